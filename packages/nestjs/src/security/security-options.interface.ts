import type { DeduplicationStore } from '../deduplication/deduplication-store.interface';
import type { ReceivePolicy } from './receive/receive-policy.interface';
import type { SigningIdentity } from './signing/signing-identity.interface';
import type { TrustStore } from './trust/trust-store';

/** The module (or bus) option `security`: who this app signs as, whom it trusts, what it requires. */
export interface SecurityOptions {
  /**
   * The entities this app publishes as, each with its signing key. Declared, `publish` refuses
   * any other `from` (`IdentityNotDeclaredError`) and signs messages (see `signAll`).
   */
  identities?: SigningIdentity[];
  /** Sign every message of a declared identity (default true); `@Message({ sign })` decides per class. */
  signAll?: boolean;
  /** The public keys of the entities this app accepts signed messages from. Without it, nothing is verified. */
  trust?: TrustStore;
  /** What every handler requires, unless its class or subscription says otherwise. */
  receive?: ReceivePolicy;
  /**
   * Where each handler records the signed `(from, uuid)` pairs it processed, to refuse replays.
   * Default: one `MemoryDeduplicationStore` keeping `replaySize` per handler; with several
   * instances in a consumer group, share a `RedisDeduplicationStore` whose TTL is at least the
   * freshness window plus the stream's retention.
   */
  replayStore?: DeduplicationStore;
  /** How many processed pairs the default replay store keeps per handler (default 10,000). */
  replaySize?: number;
  /** Audit log lines per event name and claimed sender per interval (default 10 per 10 s); counters always count all. */
  auditLogLimit?: { lines?: number; intervalMs?: number };
}
