/**
 * The security events the bus reports, by stable name (OWASP logging-vocabulary style). Alerting
 * rules and dashboards match on these names: a name is never renamed, only added.
 */
export const SECURITY_EVENT_LEVELS = Object.freeze({
  /** A signature is present and does not verify: a forgery or a tampered message. */
  sm_sig_invalid: 'critical',
  /** Signing is required and the message carries no signature (a downgrade). */
  sm_sig_missing: 'critical',
  /** The signature names a key the trust store does not hold. */
  sm_sig_unknown_key: 'warn',
  /** The signature's key belongs to another entity than the claimed `from`. */
  sm_sig_key_entity_mismatch: 'critical',
  /** A payload did not decrypt: tampered, truncated, or under another key. */
  sm_crypt_decrypt_fail: 'warn',
  /** A payload names an encryption key this service does not hold. */
  sm_crypt_key_not_found: 'warn',
  /** The receiver's policy requires what the message lacks (encryption), or refuses its chain. */
  sm_policy_violation: 'critical',
  /** The signed send time is outside the freshness window, past or future. */
  sm_replay_stale: 'warn',
  /** A signed message the handler already processed arrived again as a first delivery. */
  sm_replay_detected: 'critical',
  /** A `MessagePolicy` denied a handler the message. */
  sm_authz_fail: 'warn',
  /** A message used a retired encryption or signing key. */
  sm_key_retired_used: 'warn',
  /** An operator replayed a dead letter: freshness was not checked for it. */
  sm_replay_operator: 'info',
  /** A keyring or trust store was loaded again (`reload`). */
  sm_key_rotated: 'info',
  /** A compressed payload would inflate past its stage's limit: a decompression bomb, refused unexpanded. */
  sm_decompression_limit: 'warn',
} as const);

/** A security event's stable name. */
export type SecurityEventName = keyof typeof SECURITY_EVENT_LEVELS;

/** How loud an event is: `critical` ones are attacks or downgrades, `warn` ones may be misconfiguration. */
export type SecurityEventLevel = (typeof SECURITY_EVENT_LEVELS)[SecurityEventName];

/**
 * One security event. Holds what identifies the message and the keys involved, never payload
 * bytes, key material or signatures, so audit logs can be kept and shipped freely.
 */
export interface SecurityEvent {
  readonly name: SecurityEventName;
  readonly level: SecurityEventLevel;
  /** Why, in words: the error message of the rejection. */
  readonly reason: string;
  /** The coded error of the rejection, when there is one (e.g. `SM_SIGNATURE_INVALID`). */
  readonly code?: string;
  /** `report`: the policy only audits (rolling deploys), the message was still delivered. */
  readonly mode: 'enforce' | 'report';
  readonly uuid?: string;
  readonly messageClass?: string;
  readonly version?: number;
  /** The `from` the header claims; proven only when `verified` is true. */
  readonly claimedFrom?: string;
  readonly to?: string;
  /** The encryption key id the payload names. */
  readonly kid?: string;
  /** The signing key id the signature names. */
  readonly sigKid?: string;
  readonly transport?: string;
  readonly handlerId?: string;
  /** Whether the sender was proven by a signature. */
  readonly verified: boolean;
}
