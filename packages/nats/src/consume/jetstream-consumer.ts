import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Envelope, FrameCodec, MessageLogger } from '@smart-message/nestjs';
import {
  backoffDelay,
  type Backoff,
  DeliveryQueue,
  type EnvelopeHandler,
  type FrameRejectionReason,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
  type TransportSubscribeOptions,
} from '@smart-message/nestjs/transport-kit';
import { NatsConsumerDriftError } from '../errors/nats-consumer-drift.error';
import { consumerConfigOf, consumerDrift, ConsumerSettings, driftIsUpdatable } from '../topology/consumer-settings';
import { isNotFound } from '../topology/stream-setup';

/** Heartbeats missed in a row before a subscription starts its pull again (the nats.js README's advice). */
const HEARTBEATS_BEFORE_RESTART = 2;
/** Between two tries of restoring a subscription: 100 ms doubling to 5 s. */
const RESTORE_BACKOFF: Backoff = { baseMs: 100, maxMs: 5000, jitter: true };
/** How long stopping waits for the client to end a pull. */
const CLOSE_BOUND_MS = 2000;

/** A subscription's state, for `status()` and `health()`. */
export interface JetStreamConsumerStatus {
  group: string;
  messageClass: string;
  stream: string;
  consumer: string;
  /** A pull is running (not stopped, not being restored). */
  consuming: boolean;
  /** Pulls started again after missed heartbeats, a deleted consumer or an ended pull. */
  restores: number;
  running: number;
  queued: number;
  deadLettered: number;
  lastError?: string;
}

/** What a dead letter copy records beside the frame. */
export interface DeadLetterCopy {
  readonly reason: FrameRejectionReason;
  readonly error: Error;
  readonly attempt: number;
  readonly frame: Uint8Array;
  /** Bytes of the frame as received, when `frame` is only its start (an oversized frame). */
  readonly receivedBytes: number;
  readonly streamSequence: number;
}

export interface JetStreamConsumerDeps {
  readonly js: () => JetStreamClient;
  readonly jsm: () => Promise<JetStreamManager>;
  readonly messageClass: string;
  readonly stream: string;
  readonly settings: ConsumerSettings;
  /** Group and class, kept in the consumer's description so `backlog()` can name them. */
  readonly description: string;
  readonly onDrift: 'fail' | 'warn' | 'update';
  readonly codec: () => FrameCodec;
  readonly maxFrameBytes: number;
  readonly maxDeliveries: number;
  readonly redelivery: Backoff;
  readonly pullExpiresMs: number;
  /** Copies a message to the dead letter stream; rejects when the copy was not stored. */
  readonly deadLetter: (copy: DeadLetterCopy) => Promise<void>;
  readonly logger: MessageLogger;
}

/**
 * One subscription: its durable pull consumer (created, or checked for drift), a `consume()`
 * pull of at most `concurrency` messages, and a `DeliveryQueue` for the handler calls. A
 * message is acknowledged after the handlers; a failure is `nak`ed with a delay growing with
 * its delivery count; the last failed delivery (`maxDeliveries`) is copied to the dead letter
 * stream and terminated. The pull is watched: missed heartbeats, a deleted consumer or a pull
 * that ended start it again (the client resumes by itself after a reconnect, but not after
 * those).
 */
export class JetStreamConsumer {
  readonly queue: DeliveryQueue;
  private messages?: ConsumerMessages;
  private restoring?: Promise<void>;
  private stopped = false;
  private restores = 0;
  private deadLettered = 0;
  private lastError?: string;
  /** Envelopes whose handlers started: one that failed without starting was abandoned, not failed. */
  private readonly started = new WeakSet<Envelope>();
  /** Messages taken and not yet settled: waiting behind the handlers or being handled. */
  private readonly held = new Set<JsMsg>();
  private progressTimer?: NodeJS.Timeout;

  constructor(
    private readonly deps: JetStreamConsumerDeps,
    private readonly options: TransportSubscribeOptions,
    handler: EnvelopeHandler,
  ) {
    this.queue = new DeliveryQueue((envelope, delivery) => {
      this.started.add(envelope);
      return handler(envelope, delivery);
    }, options);
  }

  get consumerName(): string {
    return this.deps.settings.durable;
  }

  /** Creates or checks the consumer and starts pulling; fails on drift (`onConsumerDrift: 'fail'`). */
  async start(): Promise<void> {
    try {
      await this.ensureConsumer();
      await this.pull();
    } catch (error) {
      this.stopped = true;
      throw error;
    }
    // The client pulls again as messages arrive, not as handlers finish, so an instance may hold
    // more than it runs (up to the consumer's max_ack_pending). Telling the server every half
    // ack_wait that each held message is in progress keeps it from redelivering one that only
    // waits here, or whose handler runs long, to another instance.
    const every = Math.max(100, Math.floor(this.deps.settings.ackWaitMs / 2));
    this.progressTimer = setInterval(() => {
      for (const message of this.held) message.working();
    }, every);
    this.progressTimer.unref();
  }

  status(): JetStreamConsumerStatus {
    return {
      group: this.options.group,
      messageClass: this.deps.messageClass,
      stream: this.deps.stream,
      consumer: this.deps.settings.durable,
      consuming: this.messages !== undefined && !this.restoring && !this.stopped,
      restores: this.restores,
      running: this.queue.running,
      queued: this.queue.queued,
      deadLettered: this.deadLettered,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Ends the pull, then waits for the handler calls it started (their acks go out as each ends). */
  async stop(): Promise<void> {
    this.stopped = true;
    const messages = this.messages;
    this.messages = undefined;
    if (messages) await bounded(messages.close());
    await this.restoring;
    // Taken but not started: given back now (nak), for another instance, instead of run here.
    this.queue.abandonWaiting(false);
    await this.queue.idle();
    clearInterval(this.progressTimer);
  }

  /** Gives up deliveries not started: they are given back to the server (`nak`) for another instance. */
  abandon(): number {
    return this.queue.abandonWaiting(false);
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await this.deps.jsm();
    const { stream, settings } = this.deps;
    const config = { ...consumerConfigOf(settings), description: this.deps.description };
    let existing;
    try {
      existing = await jsm.consumers.info(stream, settings.durable);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!existing) {
      try {
        await jsm.consumers.add(stream, config);
        return;
      } catch (error) {
        // Another instance added it first: check it like one found above.
        existing = await jsm.consumers.info(stream, settings.durable).catch(() => undefined);
        if (!existing) throw error;
      }
    }
    const drift = consumerDrift(settings, existing.config);
    if (drift.length === 0) return;
    const updatable = driftIsUpdatable(drift);
    const problem = new NatsConsumerDriftError(stream, settings.durable, drift, updatable);
    if (this.deps.onDrift === 'update' && updatable) {
      this.deps.logger.warn(`Updating durable consumer ${settings.durable} of ${stream} (onConsumerDrift: 'update')`, {
        drift,
      });
      const { ack_wait, max_deliver, max_ack_pending, filter_subject } = config;
      await jsm.consumers.update(stream, settings.durable, { ack_wait, max_deliver, max_ack_pending, filter_subject });
      return;
    }
    if (this.deps.onDrift === 'warn' && updatable) {
      this.deps.logger.warn(`${problem.message} (onConsumerDrift: 'warn': using the consumer as it is)`, { drift });
      return;
    }
    throw problem;
  }

  private async pull(): Promise<void> {
    const consumer = await this.deps.js().consumers.get(this.deps.stream, this.deps.settings.durable);
    const messages = await consumer.consume({
      max_messages: this.options.concurrency,
      expires: this.deps.pullExpiresMs,
    });
    if (this.stopped) {
      await bounded(messages.close());
      return;
    }
    this.messages = messages;
    void this.watch(messages);
    void this.read(messages);
  }

  private async read(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const message of messages) this.receive(message);
    } catch (error) {
      this.lastError = (error as Error).message;
    }
    if (this.messages === messages) this.restore('the pull ended');
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (this.messages !== messages) return;
      if (status.type === 'heartbeats_missed' && status.count >= HEARTBEATS_BEFORE_RESTART)
        this.restore(`${status.count} heartbeats missed`);
      else if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found')
        this.restore(`the consumer is gone (${status.type})`);
    }
  }

  /** Stops the pull and starts it again, creating the consumer again if it is gone; once at a time, until it works. */
  private restore(why: string): void {
    if (this.stopped || this.restoring) return;
    this.lastError = why;
    this.deps.logger.warn(`NATS consumer ${this.deps.settings.durable} of ${this.deps.stream}: ${why}; restoring it`);
    const old = this.messages;
    this.messages = undefined;
    this.restoring = (async () => {
      if (old) await bounded(old.close());
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          await this.ensureConsumer();
          await this.pull();
          this.restores++;
          this.deps.logger.log(`NATS consumer ${this.deps.settings.durable} of ${this.deps.stream} restored`);
          return;
        } catch (error) {
          this.lastError = (error as Error).message;
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, RESTORE_BACKOFF)));
        }
      }
    })().finally(() => (this.restoring = undefined));
  }

  private receive(message: JsMsg): void {
    if (this.stopped) {
      message.nak(); // pulled while stopping: for another instance, at once
      return;
    }
    const attempt = message.info.deliveryCount;
    const data = message.data;
    if (data.length > this.deps.maxFrameBytes) {
      const error = oversizedFrameError(data.length, this.deps.maxFrameBytes);
      const sample = data.subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES);
      this.options.onReject?.({ reason: 'undecodable', frame: sample, attempt, error });
      void this.setAside(message, { reason: 'undecodable', error, attempt, frame: sample, receivedBytes: data.length });
      return;
    }
    let envelope: Envelope;
    try {
      envelope = this.deps.codec().decode(data);
    } catch (cause) {
      const error = cause as Error;
      this.options.onReject?.({ reason: 'undecodable', frame: data, attempt, error });
      void this.setAside(message, { reason: 'undecodable', error, attempt, frame: data, receivedBytes: data.length });
      return;
    }
    if (attempt > this.deps.maxDeliveries) {
      // Its last delivery was lost (a crashed instance, an expired ack_wait): the server has one
      // delivery left (max_deliver = maxDeliveries + 1) for exactly this, so it is not left behind.
      const error = new Error(
        `delivered ${attempt - 1} times without being acknowledged (maxDeliveries ${this.deps.maxDeliveries})`,
      );
      this.options.onReject?.({ reason: 'poison', envelope, attempt, error });
      void this.setAside(message, { reason: 'poison', error, attempt, frame: data, receivedBytes: data.length });
      return;
    }
    this.held.add(message);
    this.queue.push(envelope, { attempt, redelivers: true }).then(
      () => {
        this.held.delete(message);
        message.ack();
      },
      (error: unknown) => {
        this.held.delete(message);
        if (!this.started.has(envelope)) {
          message.nak(); // abandoned before it ran: for another instance, at once
          return;
        }
        if (attempt < this.deps.maxDeliveries) {
          message.nak(backoffDelay(attempt - 1, this.deps.redelivery));
          return;
        }
        this.options.onReject?.({ reason: 'poison', envelope, attempt, error: error as Error });
        void this.setAside(message, {
          reason: 'poison',
          error: error as Error,
          attempt,
          frame: data,
          receivedBytes: data.length,
        });
      },
    );
  }

  /**
   * Copies the message to the dead letter stream, then terminates it. When the copy was not
   * stored, the message is given back (`nak`) instead, so it is never terminated unrecorded.
   */
  private async setAside(message: JsMsg, copy: Omit<DeadLetterCopy, 'streamSequence'>): Promise<void> {
    try {
      await this.deps.deadLetter({ ...copy, streamSequence: message.info.streamSequence });
      this.deadLettered++;
      message.term();
    } catch (error) {
      this.lastError = `dead letter copy failed: ${(error as Error).message}`;
      this.deps.logger.warn(`NATS consumer ${this.deps.settings.durable}: ${this.lastError}; the message comes again`);
      message.nak(backoffDelay(copy.attempt - 1, this.deps.redelivery));
    }
  }
}

async function bounded(closing: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    closing.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_BOUND_MS))),
  ]);
  clearTimeout(timer);
}
