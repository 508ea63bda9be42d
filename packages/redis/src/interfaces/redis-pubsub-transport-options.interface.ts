import type { FrameCodec } from '@smart-message/nestjs';
import { RedisConnectionOptions } from './redis-connection-options.interface';

/** Opt-in batching of publishes: several frames per PUBLISH. */
export interface PubSubBatchOptions {
  /** Frames per PUBLISH at most (default 100; at most 1000, the most a receiver accepts). */
  maxMessages?: number;
  /** How long a batch waits for more frames (default 0: until the current turn of the event loop ends). */
  maxDelayMs?: number;
}

export interface RedisPubSubTransportOptions extends RedisConnectionOptions {
  /** Channel of a message type: `<prefix><name>` (default prefix '', the original's channel names). */
  prefix?: string;
  /** Frame format (default CloudEvents JSON; `RubySmartMessageCodec` for Ruby SmartMessage peers). */
  codec?: FrameCodec;
  /**
   * Bound on PUBLISH commands awaiting Redis's answer; a publish beyond it waits for a slot
   * (default: no bound).
   */
  maxInFlightPublishes?: number;
  /**
   * Messages received but not yet handled, per subscription. Beyond it, messages are set aside
   * as `overflow` instead of growing memory without bound (default 10000).
   */
  maxQueuedDeliveries?: number;
  /**
   * Send several frames per PUBLISH (in the length-prefixed batch format of docs/wire-format.md),
   * trading a little latency for throughput. Every RedisPubSubTransport reads batches; Ruby
   * SmartMessage peers do not, so leave it off on a transport shared with them.
   */
  batch?: PubSubBatchOptions;
  /**
   * Largest PUBLISH message in bytes, batch or single frame (default 1048576, 1 MiB). A larger
   * publish is refused with `FrameTooLargeError`; a larger message received is set aside as
   * `undecodable` without being parsed. Redis drops a subscriber whose output buffer passes
   * `client-output-buffer-limit pubsub` (32 MB by default), losing what else was in flight.
   */
  maxFrameBytes?: number;
  /**
   * Cluster mode only: sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7), which keeps each channel's
   * messages inside the shard that owns its slot instead of crossing the cluster bus to every
   * node. Default false: classic PUBLISH, which Ruby SmartMessage peers use; shard channels are a
   * separate namespace, so every publisher and subscriber of a channel must agree. Needs
   * ioredis 5.5.0 or later (`shardedSubscribers`); refused with ShardedPubSubUnsupportedError otherwise.
   */
  sharded?: boolean;
}
