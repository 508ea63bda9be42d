import type { MessageDeduplicationOptions } from '../deduplication/deduplicate-options.interface';
import type { RetryOptions } from '../reliability/retry/retry-options.interface';
import type { ReceivePolicy } from '../security/receive/receive-policy.interface';
import type { Downcaster, FutureVersionPolicy, Upcaster } from '../versioning/upcaster.interface';

/** Options of `@Message()`: the routing name, schema version and header defaults of a message type. */
export interface MessageOptions {
  /**
   * Routing key on every transport. Defaults to the class name, which a minifier renames:
   * set it explicitly in code that is minified.
   */
  name?: string;
  /**
   * Schema version, a positive integer (default 1). Handlers receive their class's version, the
   * older versions `upcast` brings to it, and newer ones only with `onFutureVersion: 'tolerant'`.
   */
  version?: number;
  /**
   * Upcasters by the version they read: `{ 1: v1to2, 2: v2to3 }` for a class at version 3. Each
   * maps the plain decoded payload of its version to the next; received older messages run the
   * chain before validation against this class's rules. `@Message()` refuses a gap, a key at or
   * above `version`, or a chain that does not reach `minVersion`. See docs/schema-evolution.md.
   */
  upcast?: Readonly<Record<number, Upcaster>>;
  /**
   * The oldest version handlers read (default: the oldest `upcast` key, else `version`). Older
   * messages are dead-lettered as `version-mismatch`. Raise it to retire the oldest upcasters once
   * no dead letter or archive holds that version.
   */
  minVersion?: number;
  /** A message newer than `version`: `reject` (default, dead letter `future-version`) or `tolerant`. */
  onFutureVersion?: FutureVersionPolicy;
  /**
   * Downcasters by the version they write: `{ 2: v3to2 }` lets `publish(message, { version: 2 })`
   * send a version-3 message as version 2 to consumers not yet upgraded. Keys form a chain down
   * from `version - 1`.
   */
  downcast?: Readonly<Record<number, Downcaster>>;
  /** Default sender entity; a publish option or the module's `entity` takes over when absent. */
  from?: string;
  /** Default recipient entity; absent means broadcast. */
  to?: string;
  /** Default entity that replies go to; replies go to `from` when absent. */
  replyTo?: string;
  description?: string;
  /** Name of the configured transport this type travels on (the module's default otherwise). */
  transport?: string;
  /**
   * The serializer chain: a payload serializer (`json`, `msgpack` or one registered with the
   * `serializers` option), then optional stages joined by `+`, e.g. `msgpack+deflate`. Default:
   * the module's `serializer` option, else `json`. Receivers accept this chain, the same chain
   * with any compression stage left out (small payloads skip it), and `acceptSerializers`.
   */
  serializer?: string;
  /**
   * Further chains receivers accept for this class, e.g. `['json']` while senders move from
   * `json` to `msgpack`. Any other chain in a received header is refused unread. Default: none
   * (for a class without `serializer`, the module's `acceptSerializers`).
   */
  acceptSerializers?: string[];
  /**
   * Allow a compression stage before an encryption stage in this class's chains (default
   * false): compressed ciphertext's length tells what the payload holds when attacker-chosen
   * content sits beside secrets (CRIME/BREACH).
   */
  compressBeforeEncryption?: boolean;
  /**
   * Sign messages of this class when the app declares signing identities (default: the
   * module's `security.signAll`, true). An Ed25519 verify costs about 0.1 ms: see docs/benchmarks.md.
   */
  sign?: boolean;
  /** What receivers require of messages of this class: `{ requireSigned, requireEncrypted, mode, freshnessMs }`. */
  receive?: ReceivePolicy;
  /** How handlers of this type retry, unless `@Retry()` on the handler says otherwise. */
  retry?: RetryOptions;
  /**
   * The ordering key of each message of this class when its publish gives none, e.g.
   * `orderingKey: (m: OrderPlaced) => m.orderId`: its deliveries never run ahead of an older one
   * with the same key (see `PublishOptions.orderingKey`, which wins). Undefined: unordered.
   * Needs a transport that orders by key (PostgreSQL).
   */
  orderingKey?(message: object): string | undefined;
  /** How many processed uuids handlers of this type remember, where they deduplicate. */
  deduplication?: MessageDeduplicationOptions;
}
