import { NestFactory } from '@nestjs/core';
import { DEFAULT_HANDLER_CONCURRENCY, MessageBus } from '@smart-message/nestjs';
import { HandlerHold } from './handler-hold';
import { HeldJobsModule } from './held-jobs.module';
import { MemorySample, collectGarbage, memorySample } from './memory-sample';
import { RssWatch } from './rss-watch';
import { ScalingJob, jobFactory } from './scaling-job.message';

/** Jobs of the warm-up cycle, before the baseline is taken. */
const WARM_UP_MESSAGES = 1000;
/** Publishes awaited together: enough to keep the loop busy, few enough to keep their promises small. */
const PUBLISH_CHUNK = 1000;
/** A cycle whose handlers make no progress for this long has failed. */
const STALL_MS = 30_000;

export interface InMemoryHoldTask {
  role: 'in-memory-hold';
  messages: number;
  payloadBytes: number;
  cycles: number;
}

/** One publish → hold → release → drain cycle. */
export interface HoldCycle {
  /** Publishing all jobs, ms. */
  publishMs: number;
  /** Handler calls running (held) when the jobs were all in flight; the rest waited in the queue. */
  running: number;
  /** After a GC, with every job in flight. */
  held: MemorySample;
  /** Release → last handler call finished, ms. */
  drainMs: number;
  /** Right after the drain, before a GC. */
  drained: MemorySample;
  /** After the drain and a GC. */
  afterGc: MemorySample;
}

export interface InMemoryHoldResult {
  messages: number;
  concurrency: number;
  gcExposed: boolean;
  /** After start-up and a warm-up cycle, after a GC. */
  baseline: MemorySample;
  cycles: HoldCycle[];
  /** The largest RSS while the cycles ran. */
  peakRssMb: number;
}

/**
 * The in-memory transport with `messages` jobs in flight: a Nest app whose handler holds every
 * call; the jobs are published, measured while held (concurrency-many running, the rest queued),
 * released, and measured again after they drained and after a GC. Several cycles in one process
 * show whether anything is left behind from one to the next.
 */
export async function runInMemoryHold(task: InMemoryHoldTask): Promise<InMemoryHoldResult> {
  const hold = new HandlerHold();
  const app = await NestFactory.createApplicationContext(HeldJobsModule.forRoot({ entity: 'scaling-memory', hold }), {
    logger: false,
  });
  try {
    const bus = app.get(MessageBus);
    const makeJob = jobFactory(task.payloadBytes);
    await cycle(bus, hold, makeJob, 0, Math.min(task.messages, WARM_UP_MESSAGES));
    const gcExposed = await collectGarbage();
    const baseline = memorySample();
    const cycles: HoldCycle[] = [];
    const rss = new RssWatch().start();
    for (let round = 1; round <= task.cycles; round++)
      cycles.push(await cycle(bus, hold, makeJob, round, task.messages));
    rss.stop();
    return {
      messages: task.messages,
      concurrency: DEFAULT_HANDLER_CONCURRENCY,
      gcExposed,
      baseline,
      cycles,
      peakRssMb: rss.peakMb,
    };
  } finally {
    await app.close();
  }
}

async function cycle(
  bus: MessageBus,
  hold: HandlerHold,
  makeJob: (round: number, seq: number) => ScalingJob,
  round: number,
  messages: number,
): Promise<HoldCycle> {
  const finishedBefore = hold.finished;
  hold.close();
  const publishStart = performance.now();
  let publishes: Promise<unknown>[] = [];
  for (let seq = 0; seq < messages; seq++) {
    publishes.push(bus.publish(makeJob(round, seq)));
    if (publishes.length === PUBLISH_CHUNK) {
      await Promise.all(publishes);
      publishes = [];
    }
  }
  await Promise.all(publishes);
  publishes = [];
  const publishMs = performance.now() - publishStart;
  const expected = Math.min(messages, DEFAULT_HANDLER_CONCURRENCY);
  if (!(await hold.untilStarted(finishedBefore + expected, STALL_MS))) {
    throw new Error(`only ${hold.started - finishedBefore} of ${expected} handler calls started`);
  }
  await collectGarbage();
  const held = memorySample();
  const running = hold.started - hold.finished;
  const releasedAt = performance.now();
  hold.open();
  if (!(await hold.untilFinished(finishedBefore + messages, STALL_MS))) {
    throw new Error(`only ${hold.finished - finishedBefore} of ${messages} jobs were handled`);
  }
  const drainMs = performance.now() - releasedAt;
  const drained = memorySample();
  await collectGarbage();
  return { publishMs, running, held, drainMs, drained, afterGc: memorySample() };
}
