import { NestFactory } from '@nestjs/core';
import { DEFAULT_HANDLER_CONCURRENCY } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { Redis } from 'ioredis';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { ConsumptionLedger, countsPerSeq } from './consumption-ledger';
import { groupBacklog } from './group-backlog';
import { HandlerHold } from './handler-hold';
import { HeldJobsModule } from './held-jobs.module';
import { MemorySample, collectGarbage, memorySample } from './memory-sample';
import { RssWatch } from './rss-watch';
import { SCALING_JOB } from './scaling-job.message';

/** How long the consumer is watched, held, after its handlers are full: it must read nothing more. */
const HELD_WATCH_MS = 1000;
/** The drain has ended (with losses) when no job finished for this long. */
const STALL_MS = 30_000;
const BACKLOG_SERVICE = 'scaling-backlog';

export interface StreamsBacklogTask {
  role: 'streams-backlog';
  redisUrl: string;
  /** The Streams transport's prefix; the stream already holds `messages` jobs of round 0. */
  streamPrefix: string;
  messages: number;
}

export interface StreamsBacklogResult {
  messages: number;
  concurrency: number;
  gcExposed: boolean;
  /** Modules loaded, application not started, after a GC. */
  beforeStart: MemorySample;
  /** Entries the consumer held (read, not finished) while its handlers were held back. */
  heldInFlight: number;
  /** The group's lag and pending count meanwhile, from Redis. */
  lagWhileHeld: number | null;
  pendingWhileHeld: number;
  /** While held, after a GC. */
  held: MemorySample;
  /** Halfway through the backlog, after a GC: what working through it keeps alive. */
  midDrain: MemorySample;
  /** First → last job finished after the release, ms. */
  drainMs: number;
  drained: MemorySample;
  afterGc: MemorySample;
  /** The largest RSS from the start of the application to the end of the drain. */
  peakRssMb: number;
  lost: number;
  duplicates: number;
}

/**
 * One instance of a service in front of a full stream: its Nest app starts with every handler
 * call held back, so it reads what its concurrency allows and stops; its memory is measured then,
 * while the rest waits in Redis, and again after it was released and worked through the backlog.
 */
export async function runStreamsBacklog(task: StreamsBacklogTask): Promise<StreamsBacklogResult> {
  const ledger = new ConsumptionLedger(task.messages);
  const hold = new HandlerHold(ledger);
  const transport = new RedisStreamsTransport({
    url: task.redisUrl,
    prefix: task.streamPrefix,
    consumerName: 'backlog-consumer',
    startFrom: '0',
    logger: quietLogger,
  });
  const redis = new Redis(task.redisUrl, { lazyConnect: true });
  await redis.connect();
  const gcExposed = await collectGarbage();
  const beforeStart = memorySample();
  const rss = new RssWatch().start();
  const app = await NestFactory.createApplicationContext(
    HeldJobsModule.forRoot({ entity: BACKLOG_SERVICE, hold, transport }),
    { logger: false },
  );
  try {
    const expected = Math.min(task.messages, DEFAULT_HANDLER_CONCURRENCY);
    if (!(await hold.untilStarted(expected, STALL_MS))) {
      throw new Error(`only ${hold.started} of ${expected} handler calls started`);
    }
    await new Promise((resolve) => setTimeout(resolve, HELD_WATCH_MS));
    const heldInFlight = transport.status().groups[0]?.inFlight ?? 0;
    const backlog = await groupBacklog(redis, transport.streamOf(SCALING_JOB), BACKLOG_SERVICE);
    await collectGarbage();
    const held = memorySample();
    hold.open();
    await hold.untilFinished(Math.floor(task.messages / 2), STALL_MS);
    await collectGarbage();
    const midDrain = memorySample();
    await hold.untilFinished(task.messages, STALL_MS);
    rss.stop();
    const drained = memorySample();
    await collectGarbage();
    const afterGc = memorySample();
    const books = ledger.results()[0];
    const counts = countsPerSeq(books?.seqCounts ?? [], task.messages);
    let distinct = 0;
    for (const count of counts) if (count > 0) distinct++;
    return {
      messages: task.messages,
      concurrency: DEFAULT_HANDLER_CONCURRENCY,
      gcExposed,
      beforeStart,
      heldInFlight,
      lagWhileHeld: backlog.lag,
      pendingWhileHeld: backlog.pending,
      held,
      midDrain,
      drainMs: books ? books.lastAt - books.firstAt : Number.NaN,
      drained,
      afterGc,
      peakRssMb: rss.peakMb,
      lost: task.messages - distinct,
      duplicates: (books?.consumed ?? 0) - distinct,
    };
  } finally {
    rss.stop();
    await app.close();
    redis.disconnect();
  }
}
