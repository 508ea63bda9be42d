import type { Pool } from 'pg';
import type { Envelope, FrameCodec, MessageLogger, OutboxRelayTarget } from '@smart-message/nestjs';
import { backoffDelay, type Backoff, oversizedFrameError } from '@smart-message/nestjs/transport-kit';
import { AckBatcher } from '../consume/ack-batcher';
import { ClaimLoop } from '../consume/claim-loop';
import type { OutboxDeadLetter, OutboxDeadLetterReason } from './outbox-dead-letter.interface';
import type { OutboxStatements } from './outbox-statements';

/** An outbox row as the claim returns it. Everything in it came from the database: hostile. */
interface ClaimedOutboxRow {
  /** bigint, as text. */
  id: string;
  uuid: string;
  destination: string;
  message_class: string;
  /** Claims of this row including this one. */
  attempts: number;
  bytes: number;
  /** The frame, or its first 1024 characters when it is larger than `maxFrameBytes`. */
  frame: string;
}

export interface OutboxRelaySettings {
  owner: string;
  batchSize: number;
  leaseMs: number;
  pollIntervalMs: number;
  maxAttempts: number;
  publishTimeoutMs: number;
  maxFrameBytes: number;
  retryBackoff: Backoff;
}

export interface OutboxRelayDependencies {
  pool: Pool;
  statements: OutboxStatements;
  codec: FrameCodec;
  target: OutboxRelayTarget;
  logger: MessageLogger;
  onDeadLetter?: (letter: OutboxDeadLetter) => void;
}

/** Most characters of a publish error kept in `last_error` and dead letters. */
const MAX_ERROR_CHARS = 2000;

/**
 * Publishes what transactions stored in the outbox: claims due rows (SKIP LOCKED, under a
 * lease, the attempt counted), publishes each through the bus to its destination transport with
 * its uuid, and deletes it, fenced by `(id, attempts, lease_owner)`. Rows of one destination go
 * out one after another in id order; when one fails, it is due again after a backoff and the
 * rows after it in the batch are given back with it rather than sent ahead of it. After
 * `maxAttempts` a row is moved to `outbox_dead_letters` with the reason. Claims on a timer and
 * on every wake-up; again at once after a full batch. Every failure leaves the row in a table.
 */
export class OutboxRelay {
  private readonly loop: ClaimLoop;
  private readonly acks: AckBatcher;
  /** Retry, release and dead-letter writes not yet answered: stop waits for them. */
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly settings: OutboxRelaySettings,
    private readonly deps: OutboxRelayDependencies,
  ) {
    this.acks = new AckBatcher(deps.pool, deps.statements.delete, settings.owner, deps.logger);
    this.loop = new ClaimLoop({
      intervalMs: settings.pollIntervalMs,
      claimOnce: () => this.claimOnce(),
      logger: deps.logger,
      failedMessage: 'PostgreSQL outbox relay could not claim rows',
      recoveredMessage: 'PostgreSQL outbox relay claims again',
      fields: () => ({}),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Look for due rows now (a NOTIFY, the poll timer). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming; resolves once the publishes in flight ended and their rows were written. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.acks.flush();
    while (this.writes.size > 0) await Promise.all(this.writes);
  }

  /** One claim, published in order per destination; true when the batch was full. */
  private async claimOnce(): Promise<boolean> {
    const { rows } = await this.deps.pool.query<ClaimedOutboxRow>(this.deps.statements.claim, [
      this.settings.batchSize,
      this.settings.leaseMs,
      this.settings.owner,
      this.settings.maxFrameBytes,
    ]);
    await Promise.all([...byDestination(rows).values()].map((queue) => this.relayInOrder(queue)));
    // Deleted before the next claim, so a full batch does not find its own rows' leases in the way.
    await this.acks.flush();
    return rows.length === this.settings.batchSize;
  }

  /** One destination's rows of a batch, oldest first; stops at the first failure. */
  private async relayInOrder(rows: ClaimedOutboxRow[]): Promise<void> {
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index];
      const envelope = this.decode(row);
      if (envelope === undefined) continue;
      if (row.attempts > this.settings.maxAttempts) {
        const tries = row.attempts - 1;
        this.setAside(
          row,
          'exhausted',
          `claimed ${tries} times without a confirmed publish (maxAttempts ${this.settings.maxAttempts})`,
          envelope,
        );
        continue;
      }
      if (this.loop.isStopped) {
        this.giveBack(rows.slice(index), 0);
        return;
      }
      try {
        await this.publish(envelope, row.destination);
      } catch (error) {
        const message = ((error as Error).message ?? String(error)).slice(0, MAX_ERROR_CHARS);
        if (row.attempts >= this.settings.maxAttempts) {
          this.setAside(row, 'exhausted', `publishing failed ${row.attempts} times; last: ${message}`, envelope);
          continue;
        }
        const delay = backoffDelay(row.attempts - 1, this.settings.retryBackoff);
        this.write(
          this.deps.statements.retry,
          [row.id, row.attempts, this.settings.owner, delay, message],
          'reschedule',
        );
        this.giveBack(rows.slice(index + 1), delay);
        return;
      }
      this.acks.add(row.id, row.attempts);
    }
  }

  private decode(row: ClaimedOutboxRow): Envelope | undefined {
    if (row.bytes > this.settings.maxFrameBytes) {
      this.setAside(row, 'undecodable', oversizedFrameError(row.bytes, this.settings.maxFrameBytes).message);
      return undefined;
    }
    try {
      return this.deps.codec.decode(row.frame);
    } catch (error) {
      this.setAside(row, 'undecodable', (error as Error).message.slice(0, MAX_ERROR_CHARS));
      return undefined;
    }
  }

  /** The bus's publish, bounded: past the timeout it counts as failed, and the row is sent again later (at-least-once). */
  private async publish(envelope: Envelope, destination: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.deps.target.publishEnvelope(envelope, destination),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`no answer from transport "${destination}" within ${this.settings.publishTimeoutMs} ms`),
              ),
            this.settings.publishTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private giveBack(rows: ClaimedOutboxRow[], delayMs: number): void {
    if (rows.length === 0) return;
    this.write(
      this.deps.statements.release,
      [rows.map((row) => row.id), rows.map((row) => row.attempts), this.settings.owner, delayMs],
      'give back',
    );
  }

  /**
   * Moves the row to outbox_dead_letters in one fenced statement, then reports it. If the write
   * fails the row stays leased and is claimed again after the lease: never lost.
   */
  private setAside(row: ClaimedOutboxRow, reason: OutboxDeadLetterReason, error: string, envelope?: Envelope): void {
    const letter: OutboxDeadLetter = {
      outboxId: String(row.id),
      uuid: String(row.uuid).slice(0, 200),
      messageClass: String(row.message_class).slice(0, 200),
      destination: String(row.destination).slice(0, 200),
      reason,
      error,
      attempts: row.attempts,
    };
    this.write(
      this.deps.statements.deadLetter,
      [row.id, row.attempts, this.settings.owner, reason, error],
      'dead-letter',
      (moved) => {
        if (!moved) return;
        this.deps.logger.error(`Outbox message set aside as ${reason}: it stays in outbox_dead_letters`, { ...letter });
        // The bus's dead letter queue too, where operators look and replay; an undecodable row has no envelope to report.
        if (envelope)
          this.deps.target.reportUnsent(envelope, row.destination, new Error(error)).catch((reportError: unknown) =>
            this.deps.logger.error('Could not report a given-up outbox message to the dead letter queue', {
              uuid: letter.uuid,
              error: (reportError as Error).message,
            }),
          );
        try {
          this.deps.onDeadLetter?.(letter);
        } catch (listenerError) {
          this.deps.logger.error('The outbox onDeadLetter listener threw', { error: (listenerError as Error).message });
        }
      },
    );
  }

  private write(statement: string, params: unknown[], what: string, then?: (changed: boolean) => void): void {
    const done = this.deps.pool.query(statement, params).then(
      (result) => then?.((result.rowCount ?? 0) > 0),
      (error: Error) =>
        this.deps.logger.error(`Could not ${what} an outbox row; it is claimed again after its lease`, {
          id: params[0],
          error: error.message,
        }),
    );
    this.writes.add(done);
    void done.finally(() => this.writes.delete(done));
  }
}

/** The batch per destination, each in id order (the claim's RETURNING has no order of its own). */
function byDestination(rows: ClaimedOutboxRow[]): Map<string, ClaimedOutboxRow[]> {
  const sorted = [...rows].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const groups = new Map<string, ClaimedOutboxRow[]>();
  for (const row of sorted) {
    let group = groups.get(row.destination);
    if (!group) groups.set(row.destination, (group = []));
    group.push(row);
  }
  return groups;
}
