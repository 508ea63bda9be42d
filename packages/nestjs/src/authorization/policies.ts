import { MessagePolicy, MessagePolicyDecision, MessagePolicyRequest } from './message-policy.interface';

/** Allows every message: to exempt one handler from a module-wide default or `denyByDefault`. */
export const allowAll: MessagePolicy = () => true;

/** Denies every message, with the reason given. */
export function denyAll(reason = 'denied by policy'): MessagePolicy {
  return () => ({ allow: false, reason });
}

/**
 * Allows messages whose header claims one of these senders. Routing-grade: `from` is
 * self-declared unless signed, so this keeps honest services apart but stops no forger; use
 * `allowVerifiedFrom` where the sender must be proven.
 */
export function allowFrom(...entities: string[]): MessagePolicy {
  const allowed = new Set(entities);
  const list = entities.join(', ');
  return ({ from }) => (allowed.has(from) ? true : { allow: false, reason: `sender "${from}" is not one of ${list}` });
}

/**
 * Allows messages signed by one of these senders: `from` is one of them and its signature
 * verified against the trust store (module option `security.trust`). An unsigned or unverified
 * message claiming the sender is denied.
 */
export function allowVerifiedFrom(...entities: string[]): MessagePolicy {
  const claimed = allowFrom(...entities);
  return (request) =>
    request.verified
      ? claimed(request)
      : { allow: false, reason: `sender "${request.from}" is not proven by a signature` };
}

/** Allows only when every policy allows; the first deny's reason is kept. An empty list allows. */
export function allOf<T extends object = object>(...policies: MessagePolicy<T>[]): MessagePolicy<T> {
  return (request) => {
    for (const policy of policies) {
      const decision = normalizeDecision(policy(request));
      if (!decision.allow) return decision;
    }
    return true;
  };
}

/** Allows when one policy allows; a deny of all keeps every reason. An empty list denies. */
export function anyOf<T extends object = object>(...policies: MessagePolicy<T>[]): MessagePolicy<T> {
  return (request: MessagePolicyRequest<T>) => {
    const reasons: string[] = [];
    for (const policy of policies) {
      const decision = normalizeDecision(policy(request));
      if (decision.allow) return true;
      reasons.push(decision.reason);
    }
    return { allow: false, reason: reasons.length === 0 ? 'no policy allows it' : reasons.join('; ') };
  };
}

/**
 * A decision as `{ allow, reason }`. Anything but `true` or an object with `allow: true` denies:
 * a policy that returns a promise (or `undefined` by mistake) must not let a message through.
 */
export function normalizeDecision(decision: MessagePolicyDecision | unknown): { allow: boolean; reason: string } {
  if (decision === true) return ALLOWED;
  if (decision === false) return DENIED;
  if (typeof decision === 'object' && decision !== null) {
    if (typeof (decision as { then?: unknown }).then === 'function') {
      return { allow: false, reason: 'the policy returned a promise; policies must decide synchronously' };
    }
    const { allow, reason } = decision as { allow?: unknown; reason?: unknown };
    if (allow === true) return ALLOWED;
    if (allow === false) return { allow: false, reason: typeof reason === 'string' ? reason : DENIED.reason };
  }
  return { allow: false, reason: `the policy returned ${String(decision)}, neither a boolean nor { allow }` };
}

const ALLOWED = Object.freeze({ allow: true, reason: '' });
const DENIED = Object.freeze({ allow: false, reason: 'denied by policy' });
