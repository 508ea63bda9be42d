import { SmartMessageError } from '../../errors/smart-message.error';
import type { UndeliverableReason } from '../../interfaces/undeliverable.interface';
import type { SecurityEventName } from '../audit/security-event';

/**
 * A received message the security checks refuse. Final: audited under `event`, dead-lettered
 * with `reason`, acknowledged, never retried (the same bytes are refused again).
 */
export abstract class SecurityRejectionError extends SmartMessageError {
  /** The audit event it is reported as. */
  abstract readonly event: SecurityEventName;
  /** The dead letter reason. */
  abstract readonly reason: UndeliverableReason;
}
