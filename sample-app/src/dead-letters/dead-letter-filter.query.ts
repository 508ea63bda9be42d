import { DeadLetterFilter, UndeliverableReason } from '@smart-message/nestjs';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** Every reason a message can land in the queue for. */
export const UNDELIVERABLE_REASONS = [
  'undecodable',
  'invalid',
  'version-mismatch',
  'handler-failed',
  'rejected',
  'circuit-open',
  'shutdown',
  'poison',
  'trimmed',
  'overflow',
] as const satisfies readonly UndeliverableReason[];

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
