import { DeadLetterFilter, UndeliverableReason } from '@smart-message/nestjs';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** A record, not a list, so that a reason the library adds fails to compile here until it is listed. */
const REASONS: Record<UndeliverableReason, true> = {
  undecodable: true,
  invalid: true,
  'version-mismatch': true,
  'future-version': true,
  'handler-failed': true,
  rejected: true,
  'circuit-open': true,
  unsent: true,
  shutdown: true,
  poison: true,
  trimmed: true,
  overflow: true,
  misrouted: true,
  'unexpected-reply': true,
  unauthorized: true,
  unverified: true,
  'policy-violation': true,
  replayed: true,
  'no-handler': true,
  'unknown-type': true,
};

/** Every reason a message can land in the queue for. */
export const UNDELIVERABLE_REASONS = Object.keys(REASONS) as UndeliverableReason[];

/** Which dead letters a request is about (query string of list, stats and purge; body of a replay). */
export class DeadLetterFilterQuery implements DeadLetterFilter {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  messageClass?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  handlerId?: string;

  @IsOptional()
  @IsIn(UNDELIVERABLE_REASONS)
  reason?: UndeliverableReason;

  /** ISO 8601: last failure at or after. */
  @IsOptional()
  @IsISO8601()
  since?: string;

  /** ISO 8601: last failure before. */
  @IsOptional()
  @IsISO8601()
  until?: string;
}
