import type { DeliveryQueue, TransportSubscribeOptions } from '@smart-message/nestjs/transport-kit';
import type { StreamKeyTypeError } from '../errors/stream-key-type.error';

export interface StreamSubscription {
  readonly options: TransportSubscribeOptions;
  readonly queue: DeliveryQueue;
}

/** One stream a consumer reads, with what the read loop and the reclaimer share about it. */
export interface ConsumedStream {
  readonly key: string;
  readonly subscriptions: Set<StreamSubscription>;
  /** Ids of entries read and not yet finished by every subscription. */
  readonly held: Set<string>;
  /** Why this stream cannot be read (its key holds another type); the group's other streams are read meanwhile. */
  failure?: StreamKeyTypeError;
  /** Its last subscription is leaving: no new reads, while the read in flight still delivers what it brings. */
  leaving: boolean;
  /**
   * Where the next look at this consumer's own pending entries (left by an earlier run under the
   * same name) starts, `undefined` once they are all taken back; new entries are read after them.
   */
  ownPendingFrom?: string;
  recoveringOwn: boolean;
}

/** Entries the stream's subscriptions can still take: the smallest concurrency, less what is held. */
export function roomOf(stream: ConsumedStream): number {
  let room = Infinity;
  for (const subscription of stream.subscriptions) room = Math.min(room, subscription.options.concurrency);
  return room - stream.held.size;
}
