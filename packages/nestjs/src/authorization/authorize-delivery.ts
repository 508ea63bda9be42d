import { MessageHeader } from '../interfaces/message-header.interface';
import { MessageUnauthorizedError } from './message-unauthorized.error';
import { MessagePolicy } from './message-policy.interface';
import { normalizeDecision } from './policies';

/**
 * Asks a handler's policy about one delivery: nothing when it allows, the error to dead-letter
 * when it denies. A policy that throws denies with the throw as cause: failing open would let
 * a bug in a rule pass every message.
 */
export function authorizeDelivery(
  policy: MessagePolicy,
  handlerId: string,
  header: MessageHeader,
  transport: string,
  payload: object,
  verified = false,
): MessageUnauthorizedError | undefined {
  let decision: { allow: boolean; reason: string };
  try {
    decision = normalizeDecision(
      policy({
        messageClass: header.messageClass,
        version: header.version,
        from: header.from,
        to: header.to,
        verified,
        payload,
        handlerId,
        transport,
      }),
    );
  } catch (thrown) {
    const reason = `the policy threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    return new MessageUnauthorizedError(handlerId, header.messageClass, header.from, reason, { cause: thrown });
  }
  return decision.allow
    ? undefined
    : new MessageUnauthorizedError(handlerId, header.messageClass, header.from, decision.reason);
}
