import type { FrameCodec } from '@smart-message/nestjs';
import { RedisConnectionOptions } from './redis-connection-options.interface';

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
}
