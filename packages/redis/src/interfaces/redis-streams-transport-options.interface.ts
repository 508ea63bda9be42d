import type { FrameCodec } from '@smart-message/nestjs';
import { RedisConnectionOptions } from './redis-connection-options.interface';

export interface RedisStreamsTransportOptions extends RedisConnectionOptions {
  /** Stream of a message type: `<prefix><name>` (default prefix `smart-message:`). */
  prefix?: string;
  /** Frame format (default CloudEvents JSON). */
  codec?: FrameCodec;
  /**
   * Largest frame in bytes (default 1048576, 1 MiB). A larger publish is refused with
   * `FrameTooLargeError`; a larger entry read is set aside as `undecodable` (its first 1024 bytes
   * kept in the dead-letter stream) without being parsed, and acknowledged.
   */
  maxFrameBytes?: number;
  /** This instance's consumer name in its group (default `<hostname>-<pid>-<random>`). A stable name lets a restarted instance take its own pending messages back at once. */
  consumerName?: string;
  /**
   * Approximate bound on each stream's length (XADD MAXLEN ~, default 100000; 0 = unbounded).
   * Keep it above the largest backlog: a pending entry trimmed away is reported and acknowledged, not lost silently.
   */
  maxLen?: number;
  /** Most entries one XREADGROUP returns per stream (default 100). */
  batchSize?: number;
  /**
   * Byte budget for entries read and not yet finished, over every consumer group of this
   * transport (default 64 MiB; 0 = no budget). Reads stop while it is spent and ask for only as
   * many entries as fit by the average entry size; one entry is always read when nothing is
   * held, so an entry larger than the budget is still handled. Bounds memory beside the handlers'
   * `concurrency`, which bounds entries.
   */
  maxHeldBytes?: number;
  /** How long a read blocks waiting for entries (default 2000 ms). */
  blockMs?: number;
  /** Health checks report a consumer's read loop dead when no read came back for `blockMs` plus this (default 3000 ms). */
  readStallMarginMs?: number;
  /** A pending entry idle this long belongs to a dead or stuck consumer and may be claimed (default 30000 ms). */
  claimIdleMs?: number;
  /** How often pending entries are looked at for claiming (default 5000 ms; also once at start). */
  claimIntervalMs?: number;
  /** A message delivered this many times is poison: set aside with its reason instead of delivered again (default 5). */
  maxDeliveries?: number;
  /** Where a new consumer group starts reading: `$` only new messages (default), `0` the whole stream. */
  startFrom?: '$' | '0';
  /** Suffix of the stream where set-aside entries are kept, beside each message stream (default `:dead-letters`). */
  deadLetterSuffix?: string;
}
