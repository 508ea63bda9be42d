import { randomBytes } from 'node:crypto';
import { Benchmark } from '../harness/benchmark';
import { currentLoad } from '../harness/machine';
import { formatInteger } from '../harness/markdown-table';
import { redisVersion } from '../redis/redis-keys';
import { StepPath, STEP_PATHS } from './step-paths';
import { renderStepsSection, StepsResults } from './steps-section';
import { runStepsWorker, StepsWorkerResult, StepsWorkerTask } from './steps-worker';

/** V8 samples every 1 ms by default; a message takes a few µs per step, so sample ten times as often. */
const SAMPLING_INTERVAL_US = 100;

export const stepsBenchmark: Benchmark = {
  name: 'steps',
  title: 'Steps: where the time of one message goes',

  async run(context) {
    const { options } = context;
    const paths = selectPaths(options.only);
    const startedAt = new Date();
    const redis = paths.some((path) => path.usesRedis) ? await redisVersion(options.redisUrl) : undefined;
    const loadAtStart = currentLoad();
    const runId = `bench:${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
    context.progress(
      `${paths.length} paths × ${options.runs} runs (each 1 warm-up + 1 unprofiled + 1 profiled) of ` +
        `${paths.map((path) => `${messagesOf(path, options.messages)} (${path.id})`).join(', ')} messages of ` +
        `${options.payloadBytes} B, at most ${options.maxInFlight} in flight, sampling every ${SAMPLING_INTERVAL_US} µs`,
    );
    const results: StepsResults = new Map(paths.map((path) => [path.id, []]));
    for (let run = 0; run < options.runs; run++) {
      // A rotating order spreads whatever else loads the machine over every path alike.
      const order = paths.map((_, index) => paths[(index + run) % paths.length]!);
      for (const path of order) {
        context.progress(`run ${run + 1}/${options.runs} ${path.id} …`);
        const task: StepsWorkerTask = {
          path: path.id,
          messages: messagesOf(path, options.messages),
          payloadBytes: options.payloadBytes,
          maxInFlight: options.maxInFlight,
          samplingIntervalUs: SAMPLING_INTERVAL_US,
          redisUrl: options.redisUrl,
          prefix: `${runId}:${path.id}:${run}:`,
        };
        const result = (await context.runWorker({ ...task })) as StepsWorkerResult;
        results.get(path.id)!.push(result);
        context.progress(`run ${run + 1}/${options.runs} ${path.id}: ${describeResult(result)}`);
      }
    }
    const section = renderStepsSection(context, paths, results, {
      title: stepsBenchmark.title,
      startedAt,
      redisVersion: redis,
      loadAtStart,
      loadAtEnd: currentLoad(),
      samplingIntervalUs: SAMPLING_INTERVAL_US,
    });
    context.progress('done');
    return section;
  },

  async work(task) {
    return runStepsWorker(task as unknown as StepsWorkerTask);
  },
};

function messagesOf(path: StepPath, messages: number | undefined): number {
  return messages ?? path.defaultMessages;
}

function selectPaths(only: string[]): StepPath[] {
  if (only.length === 0) return [...STEP_PATHS];
  const unknown = only.filter((id) => !STEP_PATHS.some((path) => path.id === id));
  if (unknown.length > 0) {
    throw new Error(`unknown path(s) ${unknown.join(', ')}; known: ${STEP_PATHS.map((path) => path.id).join(', ')}`);
  }
  return STEP_PATHS.filter((path) => only.includes(path.id));
}

function describeResult(result: StepsWorkerResult): string {
  const largest = Object.entries(result.stepUsPerMessage)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([step, us]) => `${step} ${us.toFixed(2)}`)
    .join(', ');
  return (
    `${formatInteger(result.profiled.throughput)} msg/s profiled (${formatInteger(result.unprofiled.throughput)} ` +
    `without), ${result.totalUsPerMessage.toFixed(2)} µs/msg sampled (${formatInteger(result.samples)} samples, ` +
    `main thread on CPU ${result.mainThreadCpuUsPerMessage?.toFixed(2) ?? '–'} µs/msg): ` +
    `${largest} | floor ${result.floorUsPerMessage.toFixed(2)} µs/msg | RSS ${Math.round(result.peakRssMb)} MB`
  );
}
