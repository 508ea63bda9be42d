import { setTimeout as pause } from 'node:timers/promises';
import {
  Envelope,
  FrameCodec,
  InvalidOptionError,
  Transport,
  TransportClosedError,
  TransportHealth,
} from '@smart-message/nestjs';
import {
  assertFrameSize,
  CloudEventsFrameCodec,
  DeliveryInfo,
  DeliveryQueue,
  EnvelopeHandler,
  frameLimitOption,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameBytes,
  oversizedFrameError,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { LoopbackBroker } from './loopback-broker';
import { LoopbackUnreachableError } from './loopback-unreachable.error';

export interface LoopbackTransportOptions {
  broker: LoopbackBroker;
  /** Largest frame in bytes, on publish and on receipt. Default 1 MiB (`DEFAULT_MAX_FRAME_BYTES`). */
  maxFrameBytes?: number;
  /** Deliveries allowed to wait per subscription beyond the running ones; more are set aside as `overflow`. Default 10000. */
  maxQueuedDeliveries?: number;
  /** How long `start()` waits for the broker to answer. Default 5000. */
  connectTimeoutMs?: number;
}

interface Subscription {
  readonly queue: DeliveryQueue;
  readonly options: TransportSubscribeOptions;
}

interface Channel {
  readonly subscriptions: Set<Subscription>;
  readonly stopListening: () => void;
}

const FIRST_DELIVERY: DeliveryInfo = Object.freeze({ attempt: 1 });
const CONNECT_RETRY_MS = 25;

/**
 * An example transport, written as a broker transport is (docs/writing-a-transport.md): frames
 * go through the broker as text and are decoded on receipt, one channel per message class,
 * every subscription of the class gets every message, at most once (nothing redelivers).
 */
export class LoopbackTransport implements Transport {
  readonly kind = 'loopback';
  private readonly broker: LoopbackBroker;
  private readonly maxFrameBytes: number;
  private readonly maxQueued: number;
  private readonly connectTimeoutMs: number;
  private codec: FrameCodec = new CloudEventsFrameCodec();
  private readonly channels = new Map<string, Channel>();
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(options: LoopbackTransportOptions) {
    this.broker = options.broker;
    // Checked here, before anything connects: a bad option fails at construction, naming itself.
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, 'LoopbackTransport');
    this.maxQueued = positiveInteger('maxQueuedDeliveries', options.maxQueuedDeliveries, 10_000);
    this.connectTimeoutMs = positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 5_000);
  }

  channelOf(messageClass: string): string {
    return messageClass;
  }

  /** Frames label each payload with its serializer's own content type (the bus tells us once). */
  useContentTypes(contentTypeOf: (serializer: string) => string | undefined): void {
    this.codec = new CloudEventsFrameCodec((serializer) => contentTypeOf(serializer) ?? 'application/json');
  }

  /**
   * Connects once; the bus awaits it at startup, and every subscribe does too. Fails within
   * `connectTimeoutMs` with LoopbackUnreachableError; a failed start is forgotten, so the next
   * call tries again.
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Resolves once the broker has the frame, rejects with this transport's error otherwise: never dropped silently. */
  async publish(envelope: Envelope): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.kind);
    const { messageClass } = envelope.header;
    const frame = this.codec.encode(envelope);
    // Refused before anything is sent: receivers would set the frame aside unread.
    assertFrameSize(frame, this.maxFrameBytes, this.kind, messageClass);
    try {
      await this.broker.publish(this.channelOf(messageClass), frame);
    } catch (cause) {
      throw new LoopbackUnreachableError(this.broker.address, `publishing ${messageClass}`, undefined, { cause });
    }
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closing) throw new TransportClosedError(this.kind);
    await this.start();
    // Concurrency, arrival order and overflow are the queue's: a subscription never runs more
    // than `options.concurrency` handler calls, and a throwing handler does not stall it.
    // `group` is not used: every subscription of a channel gets every frame, as on pub/sub.
    const subscription: Subscription = {
      queue: new DeliveryQueue(handler, { ...options, maxQueued: this.maxQueued }),
      options,
    };
    const name = this.channelOf(messageClass);
    let channel = this.channels.get(name);
    if (!channel) {
      // One listener per channel, however many subscriptions: one frame, decoded once.
      const subscriptions = new Set<Subscription>();
      channel = {
        subscriptions,
        stopListening: this.broker.listen(name, (frame) => this.receive(subscriptions, frame)),
      };
      this.channels.set(name, channel);
    }
    channel.subscriptions.add(subscription);
    return {
      unsubscribe: () => this.unsubscribe(name, subscription),
      // The broker keeps no copy, so each delivery given up on is reported (`shutdown`), never lost unseen.
      // A durable transport passes false: the broker still holds those messages.
      abandon: () => subscription.queue.abandonWaiting(true),
    };
  }

  /** A real round trip within `timeoutMs`; down while the broker does not answer. */
  async health(timeoutMs: number): Promise<TransportHealth> {
    if (this.closing) return { up: false, details: { closed: true } };
    const started = Date.now();
    try {
      await withinTimeout(this.broker.ping(), timeoutMs);
    } catch (error) {
      return { up: false, details: { address: this.broker.address, error: (error as Error).message } };
    }
    // A broker transport is also down when a subscription stopped receiving (its connection or read loop is gone).
    return {
      up: true,
      details: { address: this.broker.address, pingMs: Date.now() - started, channels: [...this.channels.keys()] },
    };
  }

  /** Stops taking frames, waits for every accepted delivery to end, then lets go of the broker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const channels = [...this.channels.values()];
      this.channels.clear();
      for (const channel of channels) channel.stopListening();
      await Promise.all(channels.flatMap((channel) => [...channel.subscriptions].map(({ queue }) => queue.idle())));
    })();
    return this.closing;
  }

  /**
   * Everything here came off the wire and may be hostile: its size is checked before it is
   * parsed, the codec checks every header field, and it goes only to the subscriptions of the
   * channel it arrived on, whatever type it claims (the bus sets a mismatch aside as `misrouted`).
   */
  private receive(subscriptions: ReadonlySet<Subscription>, frame: string): void {
    const bytes = oversizedFrameBytes(frame, this.maxFrameBytes);
    if (bytes !== undefined) {
      // Only the first bytes are kept: a code unit takes up to 3 of them.
      const head = Buffer.from(frame.slice(0, OVERSIZED_FRAME_SAMPLE_BYTES));
      const error = oversizedFrameError(bytes, this.maxFrameBytes);
      return this.setAside(subscriptions, head.subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES), error);
    }
    let envelope: Envelope;
    try {
      envelope = this.codec.decode(frame);
    } catch (error) {
      return this.setAside(subscriptions, frame, error as Error);
    }
    // Nobody waits: with nothing to acknowledge, a failure is final and the bus reports it.
    // A durable transport instead awaits queue.push(envelope, { attempt, redelivers: true })
    // and acknowledges only when it resolves.
    for (const { queue } of subscriptions) queue.enqueue(envelope, FIRST_DELIVERY);
  }

  private setAside(subscriptions: ReadonlySet<Subscription>, frame: string | Uint8Array, error: Error): void {
    for (const { options } of subscriptions) options.onReject?.({ reason: 'undecodable', frame, attempt: 1, error });
  }

  /** Ends deliveries to this subscription; resolves once its in-flight ones have ended. */
  private async unsubscribe(name: string, subscription: Subscription): Promise<void> {
    const channel = this.channels.get(name);
    if (channel?.subscriptions.delete(subscription) && channel.subscriptions.size === 0) {
      this.channels.delete(name);
      channel.stopListening();
    }
    await subscription.queue.idle();
  }

  /** Tries until the broker answers or `connectTimeoutMs` has passed: a broker still starting is given until then. */
  private async connect(): Promise<void> {
    const deadline = Date.now() + this.connectTimeoutMs;
    for (;;) {
      try {
        // Each attempt is bounded too: a real connect to a silent host can hang far longer.
        await withinTimeout(this.broker.connect(), Math.max(1, deadline - Date.now()));
        return;
      } catch (cause) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new LoopbackUnreachableError(this.broker.address, 'connecting', this.connectTimeoutMs, { cause });
        await pause(Math.min(CONNECT_RETRY_MS, left));
      }
    }
  }
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidOptionError('LoopbackTransport', option, value, 'a positive integer');
  return value;
}

async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
