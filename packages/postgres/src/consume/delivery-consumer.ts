import type { Pool } from 'pg';
import { Envelope, FrameCodec, MessageLogger } from '@smart-message/nestjs';
import {
  backoffDelay,
  Backoff,
  DeliveryQueue,
  FrameRejection,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
  TransportSubscribeOptions,
} from '@smart-message/nestjs/transport-kit';
import { QueueStatements } from '../queue/queue-statements';
import { AckBatcher } from './ack-batcher';
import { ClaimLoop } from './claim-loop';
import { ClaimedRow } from './claimed-row';

export interface DeliveryConsumerSettings {
  messageClass: string;
  group: string;
  owner: string;
  prefetch: number;
  leaseMs: number;
  pollIntervalMs: number;
  maxDeliveries: number;
  maxFrameBytes: number;
  retryBackoff: Backoff;
}

export interface DeliveryConsumerDependencies {
  pool: Pool;
  statements: QueueStatements;
  codec: () => FrameCodec;
  acks: AckBatcher;
  logger: MessageLogger;
}

/** How often an instance refreshes its subscription row's heartbeat. */
const HEARTBEAT_MS = 30_000;

/**
 * One subscription's consumer: claims due rows of its group and class, at most as many as its
 * handlers have room for (`prefetch`, never more than `concurrency`), hands each to the
 * subscription's queue, and then deletes it (handled or set aside) or makes it due again after
 * a backoff (the handler failed). Claims on a timer and on every wake-up; claims again at once
 * after a full batch. A failed claim (database away) is logged once and retried on the timer.
 */
export class DeliveryConsumer {
  private held = 0;
  private readonly loop: ClaimLoop;
  private lastBeat = Date.now();
  /** Retry and dead-letter writes not yet answered: close waits for them. */
  private readonly writes = new Set<Promise<void>>();
  private readonly limit: number;

  constructor(
    private readonly settings: DeliveryConsumerSettings,
    private readonly queue: DeliveryQueue,
    private readonly options: TransportSubscribeOptions,
    private readonly deps: DeliveryConsumerDependencies,
  ) {
    this.limit = Math.max(1, Math.min(settings.prefetch, options.concurrency));
    this.loop = new ClaimLoop({
      intervalMs: settings.pollIntervalMs,
      claimOnce: () => this.claimOnce(),
      logger: deps.logger,
      failedMessage: 'PostgreSQL consumer could not claim deliveries',
      recoveredMessage: 'PostgreSQL consumer claims again',
      fields: () => this.where(),
    });
  }

  /** `group NUL messageClass`: which backlog row is this consumer's. */
  get key(): string {
    return `${this.settings.group}\u0000${this.settings.messageClass}`;
  }

  start(): void {
    this.loop.start();
  }

  /** Look for due rows now (a NOTIFY, a settled delivery, the poll timer). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming; resolves once the last claim came back, handlers finished and their rows were written. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.idle();
    // The settle callbacks of the last deliveries run after idle() resolved; let them queue their writes.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.writes.size > 0) await Promise.all(this.writes);
  }

  /** One claim of as many rows as the handlers have room for; true when it filled the room. */
  private async claimOnce(): Promise<boolean> {
    const room = this.limit - this.held;
    if (room <= 0) return false;
    const { rows } = await this.deps.pool.query<ClaimedRow>(this.deps.statements.claim, [
      this.settings.group,
      this.settings.messageClass,
      room,
      this.settings.leaseMs,
      this.settings.owner,
      this.settings.maxFrameBytes,
    ]);
    for (const row of rows) this.deliver(row);
    this.heartbeat();
    return rows.length === room;
  }

  private deliver(row: ClaimedRow): void {
    const { maxFrameBytes, maxDeliveries } = this.settings;
    if (row.frame === null || row.bytes === null) {
      this.setAside(row, 'undecodable', undefined, undefined, new Error(`delivery ${row.id} has no message row`));
      return;
    }
    if (row.bytes > maxFrameBytes) {
      // Never parsed; the dead letter report keeps only the first bytes.
      const sample = Buffer.from(row.frame).subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES);
      this.setAside(row, 'undecodable', undefined, sample, oversizedFrameError(row.bytes, maxFrameBytes));
      return;
    }
    let envelope: Envelope;
    try {
      envelope = this.deps.codec().decode(row.frame);
    } catch (error) {
      this.setAside(row, 'undecodable', undefined, row.frame, error as Error);
      return;
    }
    if (row.attempts > maxDeliveries) {
      const deliveries = row.attempts - 1;
      const error = new Error(`delivered ${deliveries} times without being handled (maxDeliveries ${maxDeliveries})`);
      this.setAside(row, 'poison', envelope, undefined, error, deliveries);
      return;
    }
    this.held++;
    this.queue.push(envelope, { attempt: row.attempts, redelivers: true }).then(
      () => {
        this.deps.acks.add(row.id, row.attempts, row.keyed === true);
        this.settled();
      },
      () => {
        const delay = backoffDelay(row.attempts - 1, this.settings.retryBackoff);
        this.write(this.deps.statements.retry, [row.id, row.attempts, this.settings.owner, delay], 'retry');
        this.settled();
      },
    );
  }

  private settled(): void {
    this.held--;
    this.wake();
  }

  /**
   * Moves the row to dead_letters in one fenced statement, then reports it. If the write fails
   * the row stays leased and is claimed again after the lease: never lost, never reported
   * without a record.
   */
  private setAside(
    row: ClaimedRow,
    reason: 'undecodable' | 'poison',
    envelope: Envelope | undefined,
    frame: string | Uint8Array | undefined,
    error: Error,
    attempt = row.attempts,
  ): void {
    const rejection: FrameRejection = {
      reason,
      attempt,
      error,
      ...(envelope ? { envelope } : {}),
      ...(frame !== undefined ? { frame } : {}),
    };
    this.write(
      this.deps.statements.deadLetter,
      [row.id, row.attempts, this.settings.owner, reason, error.message.slice(0, 2000), attempt],
      'dead-letter',
      () => this.options.onReject?.(rejection),
    );
  }

  private write(statement: string, params: unknown[], what: string, then?: () => void): void {
    const done = this.deps.pool.query(statement, params).then(
      () => then?.(),
      (error: Error) =>
        this.deps.logger.error(`Could not ${what} a PostgreSQL delivery; it is claimed again after its lease`, {
          ...this.where(),
          id: params[0],
          error: error.message,
        }),
    );
    this.writes.add(done);
    void done.finally(() => this.writes.delete(done));
  }

  /** Keeps `last_seen_at` of the subscription row fresh, so operators see which groups are alive. */
  private heartbeat(): void {
    if (Date.now() - this.lastBeat < HEARTBEAT_MS) return;
    this.lastBeat = Date.now();
    const { messageClass, group, owner } = this.settings;
    this.deps.pool.query(this.deps.statements.subscribe, [messageClass, group, owner]).catch(() => undefined);
  }

  private where(): Record<string, unknown> {
    return { group: this.settings.group, messageClass: this.settings.messageClass };
  }
}
