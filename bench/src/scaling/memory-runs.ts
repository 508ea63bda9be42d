import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger } from '../harness/markdown-table';
import { deleteKeysUnder } from '../redis/redis-keys';
import { FillTask } from './fill.worker';
import { InMemoryHoldResult, InMemoryHoldTask } from './in-memory-hold.worker';
import { keyMemoryBytes } from './key-memory';
import { IN_MEMORY_CYCLES, ScalingSettings } from './scaling-settings';
import { SCALING_JOB } from './scaling-job.message';
import { StreamsBacklogResult, StreamsBacklogTask } from './streams-backlog.worker';

/** Memory runs collect garbage on purpose, and 10^6 jobs in flight need more than the default heap. */
const MEMORY_NODE_ARGS = ['--expose-gc', '--max-old-space-size=8192'];

export interface StreamsBacklogOutcome extends StreamsBacklogResult {
  fillMs: number;
  /** What the stream took in Redis with the whole backlog in it. */
  streamBytes: number;
}

/** The in-memory runs: one fresh process per size. */
export async function runInMemorySizes(
  context: BenchmarkContext,
  settings: ScalingSettings,
): Promise<InMemoryHoldResult[]> {
  const results: InMemoryHoldResult[] = [];
  for (const messages of settings.memorySizes) {
    context.progress(`in-memory: ${formatInteger(messages)} jobs in flight …`);
    const task: InMemoryHoldTask = {
      role: 'in-memory-hold',
      messages,
      payloadBytes: settings.payloadBytes,
      cycles: IN_MEMORY_CYCLES,
    };
    const result = (await context.runWorker({ ...task }, { nodeArgs: MEMORY_NODE_ARGS })) as InMemoryHoldResult;
    const held = result.cycles[0]!.held;
    context.progress(
      `in-memory: ${formatInteger(messages)} in flight: heap ${held.heapUsedMb.toFixed(0)} MB, RSS ` +
        `${held.rssMb.toFixed(0)} MB; after drain + GC heap ${result.cycles.at(-1)!.afterGc.heapUsedMb.toFixed(0)} MB`,
    );
    results.push(result);
  }
  return results;
}

/** The Streams runs: per size, a publisher fills the stream, then a fresh consumer process meets it. */
export async function runStreamsBacklogs(
  context: BenchmarkContext,
  settings: ScalingSettings,
  runId: string,
): Promise<StreamsBacklogOutcome[]> {
  const outcomes: StreamsBacklogOutcome[] = [];
  for (const messages of settings.memorySizes) {
    const streamPrefix = `${runId}:backlog-${messages}:`;
    try {
      context.progress(`streams-backlog: filling ${formatInteger(messages)} jobs …`);
      const fill: FillTask = {
        role: 'fill',
        redisUrl: settings.redisUrl,
        streamPrefix,
        messages,
        payloadBytes: settings.payloadBytes,
        maxInFlight: settings.maxInFlight,
      };
      const { ms: fillMs } = (await context.runWorker({ ...fill })) as { ms: number };
      const streamBytes = await keyMemoryBytes(settings.redisUrl, `${streamPrefix}${SCALING_JOB}`);
      context.progress(`streams-backlog: ${formatInteger(messages)} jobs waiting; the consumer starts …`);
      const task: StreamsBacklogTask = { role: 'streams-backlog', redisUrl: settings.redisUrl, streamPrefix, messages };
      const result = (await context.runWorker({ ...task }, { nodeArgs: MEMORY_NODE_ARGS })) as StreamsBacklogResult;
      context.progress(
        `streams-backlog: ${formatInteger(messages)} waiting: consumer held ${result.heldInFlight}, RSS ` +
          `${result.held.rssMb.toFixed(0)} MB; drained at ${formatInteger((messages / result.drainMs) * 1000)} msg/s, ` +
          `peak RSS ${result.peakRssMb.toFixed(0)} MB`,
      );
      outcomes.push({ ...result, fillMs, streamBytes });
    } finally {
      // A large backlog takes real memory in Redis: give it back before the next size.
      await deleteKeysUnder(settings.redisUrl, streamPrefix);
    }
  }
  return outcomes;
}
