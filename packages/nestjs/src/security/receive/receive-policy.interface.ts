import type { SignatureAlgorithm } from '../signing/signature-algorithm';

/**
 * What a receiver requires of a message before anything of it is decoded. Set module-wide
 * (`security.receive`), per class (`@Message({ receive })`) and per subscription
 * (`@Subscribe({ receive })`); each field of the nearest one wins.
 */
export interface ReceivePolicy {
  /** Refuse messages without a valid signature (`sm_sig_missing`, dead letter `policy-violation`). */
  requireSigned?: boolean;
  /** Refuse messages whose chain has no encryption stage (`sm_policy_violation`), before decoding. */
  requireEncrypted?: boolean;
  /** The signature algorithms accepted (default both the trust store knows: `ed25519`, `hs256`). */
  allowedAlgorithms?: SignatureAlgorithm[];
  /**
   * `enforce` (default) refuses; `report` only audits (mode `report`) and delivers, for rolling
   * deploys: run `report` until every publisher signs and encrypts, then `enforce`. Invalid
   * signatures are refused in both modes unless the failure is an unknown or retired key.
   */
  mode?: 'enforce' | 'report';
  /**
   * How far a signed message's `sentAt` may lie from now, past or future, in ms; `false` turns
   * the check off. Default 300,000 (±5 min) on transports that do not redeliver (pub/sub, where
   * a repeat is always suspicious), off on those that do (consumer groups redeliver old messages
   * and rely on the processed set instead).
   */
  freshnessMs?: number | false;
}

/** A receive policy with every field decided. */
export interface ResolvedReceivePolicy {
  readonly requireSigned: boolean;
  readonly requireEncrypted: boolean;
  readonly allowedAlgorithms: readonly SignatureAlgorithm[] | undefined;
  readonly mode: 'enforce' | 'report';
  readonly freshnessMs: number | false | undefined;
}

/** The default freshness window of transports that do not redeliver: the ±5 min of Standard Webhooks. */
export const DEFAULT_FRESHNESS_MS = 300_000;

/** The nearest policy's fields win: subscription over class over module. */
export function resolveReceivePolicy(...policies: (ReceivePolicy | undefined)[]): ResolvedReceivePolicy {
  const merged: ReceivePolicy = {};
  for (const policy of policies) if (policy !== undefined) Object.assign(merged, definedFields(policy));
  return {
    requireSigned: merged.requireSigned ?? false,
    requireEncrypted: merged.requireEncrypted ?? false,
    allowedAlgorithms: merged.allowedAlgorithms,
    mode: merged.mode ?? 'enforce',
    freshnessMs: merged.freshnessMs,
  };
}

function definedFields(policy: ReceivePolicy): ReceivePolicy {
  return Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined)) as ReceivePolicy;
}
