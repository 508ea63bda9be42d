import { describeError } from '../dispatcher/undeliverable-reporter';
import { HandlerRegistrationError } from '../errors/handler-registration.error';
import { UndeliverableMessage } from '../interfaces/undeliverable.interface';
import { DeadLetterEntry } from './dead-letter-entry.interface';
import { deadLetterIdOf } from './dead-letter-id';
import {
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterStats,
  DeadLetterStore,
} from './dead-letter-store.interface';
import { DeadLettersNotConnectedError } from './dead-letters-not-connected.error';
import { InvalidDeadLetterQueryError } from './invalid-dead-letter-query.error';
import { KeyedLock } from './keyed-lock';
import { DeadLetterReplayTarget, ReplayOptions, ReplayOutcome, ReplayReport } from './replay.interface';
import { asError } from '../util/promises';

/** Entries read per page when a replay by filter collects its ids. */
const REPLAY_PAGE_SIZE = 500;

/** A replay to a handler under way: whether the bus reported its failure to `record()`. */
interface RunningReplay {
  recorded: boolean;
}

/**
 * Keeps every message a handler did not handle, with why, and sends it again on request. Fed by
 * the bus's `onUndeliverable` (the Nest module wires it); replay needs the bus (`connect`).
 *
 * ```ts
 * const deadLetters = new DeadLetterQueue(new JsonlDeadLetterStore('dead-letters.jsonl'));
 * const bus = new MessageBus({ onUndeliverable: (event) => deadLetters.record(event) });
 * deadLetters.connect(bus);
 * ```
 */
export class DeadLetterQueue {
  private bus?: DeadLetterReplayTarget;
  /** Per entry id, so two failures of one message do not both read attempts = n and write n + 1. */
  private readonly locks = new KeyedLock();
  private readonly replays = new Map<string, RunningReplay>();
  private readonly recording = new Set<Promise<unknown>>();

  constructor(
    readonly store: DeadLetterStore,
    bus?: DeadLetterReplayTarget,
  ) {
    this.bus = bus;
  }

  /** The bus replays go through. */
  connect(bus: DeadLetterReplayTarget): this {
    this.bus = bus;
    return this;
  }

  /**
   * Stores an undeliverable message. The same message failing again in the same handler updates
   * its entry: one more attempt, the new failure time, reason and error.
   */
  record(event: UndeliverableMessage): Promise<DeadLetterEntry> {
    const id = deadLetterIdOf(event);
    const replay = this.replays.get(id);
    if (replay) replay.recorded = true;
    const recorded = this.locks.run(id, async () => {
      const existing = await this.store.get(id);
      const now = new Date().toISOString();
      // The envelope first stored is kept: it is the one received, and replays send that one.
      const envelope = existing?.envelope ?? event.envelope;
      const frame = existing?.frame ?? event.frame;
      const entry: DeadLetterEntry = {
        id,
        reason: event.reason,
        ...(envelope === undefined ? {} : { envelope }),
        ...(frame === undefined || envelope !== undefined ? {} : { frame }),
        ...(event.handlerId === undefined ? {} : { handlerId: event.handlerId }),
        transport: existing?.transport ?? event.transport,
        attempts: (existing?.attempts ?? 0) + 1,
        lastAttempt: event.attempt,
        firstFailedAt: existing?.firstFailedAt ?? now,
        lastFailedAt: now,
        error: event.error,
      };
      await this.store.upsert(entry);
      return entry;
    });
    this.recording.add(recorded);
    void recorded.then(
      () => this.recording.delete(recorded),
      () => this.recording.delete(recorded),
    );
    return recorded;
  }

  get(id: string): Promise<DeadLetterEntry | undefined> {
    return this.store.get(id);
  }

  list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    return this.store.list(query);
  }

  stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    return this.store.stats(filter);
  }

  remove(id: string): Promise<boolean> {
    return this.locks.run(id, () => this.store.remove(id));
  }

  purge(filter: DeadLetterFilter = {}): Promise<number> {
    return this.store.purge(filter);
  }

  /**
   * Sends entries again: one by id, or every entry a filter matches (oldest first, one at a
   * time). Via `handler`, success removes the entry and a failure keeps it with one more
   * attempt. Via `transport`, the entry is removed once the transport took the message; should
   * a handler fail on it again, it comes back as a fresh entry (same id, attempts from 1).
   */
  async replay(target: string | DeadLetterFilter, options: ReplayOptions = {}): Promise<ReplayReport> {
    if (this.bus === undefined) throw new DeadLettersNotConnectedError();
    const ids = typeof target === 'string' ? [target] : await this.idsMatching(target, options.limit);
    const outcomes: ReplayOutcome[] = [];
    for (const id of ids) outcomes.push(await this.replayOne(id, options));
    return {
      replayed: outcomes.filter((outcome) => outcome.status === 'replayed').length,
      failed: outcomes.filter((outcome) => outcome.status === 'failed').length,
      skipped: outcomes.filter((outcome) => outcome.status === 'skipped' || outcome.status === 'not-found').length,
      outcomes,
    };
  }

  /** Waits for entries being recorded, then closes the store. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.recording]);
    await this.store.close?.();
  }

  private async replayOne(id: string, options: ReplayOptions): Promise<ReplayOutcome> {
    const entry = await this.store.get(id);
    if (entry === undefined) return { id, status: 'not-found' };
    const via = options.via ?? (entry.handlerId === undefined ? 'transport' : 'handler');
    if (entry.envelope === undefined) {
      return { id, via, status: 'skipped', detail: 'only the raw frame is kept: it could not be read as a message' };
    }
    if (via === 'handler' && entry.handlerId === undefined) {
      return { id, via, status: 'skipped', detail: 'no handler got this message; replay it via the transport' };
    }
    if (this.replays.has(id)) return { id, via, status: 'skipped', detail: 'a replay of this entry is running' };
    return via === 'handler'
      ? this.replayToHandler(entry as DeadLetterEntry & Required<Pick<DeadLetterEntry, 'envelope' | 'handlerId'>>)
      : this.replayThroughTransport(entry as DeadLetterEntry & Required<Pick<DeadLetterEntry, 'envelope'>>);
  }

  private async replayToHandler(
    entry: DeadLetterEntry & Required<Pick<DeadLetterEntry, 'envelope' | 'handlerId'>>,
  ): Promise<ReplayOutcome> {
    const bus = this.bus as DeadLetterReplayTarget;
    const running: RunningReplay = { recorded: false };
    this.replays.set(entry.id, running);
    try {
      await bus.deliverTo(entry.handlerId, entry.envelope);
    } catch (thrown) {
      const error = asError(thrown);
      if (error instanceof HandlerRegistrationError) {
        return { id: entry.id, via: 'handler', status: 'skipped', detail: error.message };
      }
      // Wired as the bus's onUndeliverable, record() has already counted this failure.
      const current = running.recorded
        ? await this.store.get(entry.id)
        : await this.record({
            reason: 'handler-failed',
            envelope: entry.envelope,
            handlerId: entry.handlerId,
            transport: entry.transport,
            attempt: 1,
            error: describeError(error),
          });
      return {
        id: entry.id,
        via: 'handler',
        status: 'failed',
        attempts: current?.attempts ?? entry.attempts + 1,
        error: current?.error ?? describeError(error),
      };
    } finally {
      this.replays.delete(entry.id);
    }
    await this.remove(entry.id);
    return { id: entry.id, via: 'handler', status: 'replayed' };
  }

  private async replayThroughTransport(
    entry: DeadLetterEntry & Required<Pick<DeadLetterEntry, 'envelope'>>,
  ): Promise<ReplayOutcome> {
    const bus = this.bus as DeadLetterReplayTarget;
    // Removed first: a handler may fail on the message again before publish() resolves, and
    // that fresh entry must not be removed afterwards.
    await this.remove(entry.id);
    try {
      await bus.publishEnvelope(entry.envelope, entry.transport);
    } catch (thrown) {
      const error = asError(thrown);
      await this.locks.run(entry.id, async () => {
        if ((await this.store.get(entry.id)) === undefined) await this.store.upsert(entry);
      });
      return {
        id: entry.id,
        via: 'transport',
        status: 'failed',
        attempts: entry.attempts,
        error: describeError(error),
      };
    }
    return { id: entry.id, via: 'transport', status: 'replayed' };
  }

  private async idsMatching(filter: DeadLetterFilter, limit: number | undefined): Promise<string[]> {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new InvalidDeadLetterQueryError('limit', `must be a whole number ≥ 0, got ${String(limit)}`);
    }
    const wanted = limit ?? Infinity;
    const ids: string[] = [];
    for (let offset = 0; ids.length < wanted; offset += REPLAY_PAGE_SIZE) {
      const page = await this.store.list({ ...filter, offset, limit: REPLAY_PAGE_SIZE, order: 'oldest-first' });
      ids.push(...page.entries.map((entry) => entry.id));
      if (page.entries.length < REPLAY_PAGE_SIZE) break;
    }
    return ids.slice(0, wanted);
  }
}
