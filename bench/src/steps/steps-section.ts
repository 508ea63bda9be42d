import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger, formatRatio, markdownTable } from '../harness/markdown-table';
import { measuredOn } from '../harness/measured-on';
import { median, Spread, spread } from '../harness/stats';
import { StepPath } from './step-paths';
import { StepId, STEPS } from './step-table';
import { StepsWorkerResult } from './steps-worker';
import { WHAT_WE_CHANGED } from './what-we-changed';

/** Each path's worker results, one per run, by path id. */
export type StepsResults = Map<string, StepsWorkerResult[]>;

/** What the section's header says about the run itself. */
export interface StepsRunFacts {
  title: string;
  startedAt: Date;
  /** Set when a path used Redis. */
  redisVersion?: string;
  loadAtStart: string;
  loadAtEnd: string;
  samplingIntervalUs: number;
}

/** `createHeader`'s µs/msg on a Redis path (median, min, max) and on the memory path (median). */
interface HeaderComparison {
  redis: Spread;
  memory: number;
}

/** Why the Redis split needs care, with the same code's figures on both paths when both ran. */
function sharedCoresCaveat(header?: HeaderComparison): string {
  return (
    "Read the Redis split with care. The main thread shares the cores with redis-server and the profiler's " +
    'sampling thread and makes a socket write and read per message, and the samples need not spread evenly ' +
    'over the work: while this benchmark was built, some runs gave the publish-side code several times fewer ' +
    'µs per message here than on the memory path, others about the same. ' +
    (header
      ? `\`createHeader\`, the same code on both paths, got ${formatUs(header.redis.median)} µs/msg here ` +
        `(min–max ${formatUs(header.redis.min)}–${formatUs(header.redis.max)}) and ${formatUs(header.memory)} in ` +
        'memory in this run. '
      : '') +
    'Where they differ much, take header, validate on publish and JSON encode from the memory tables, and the ' +
    'transport row as an upper bound.'
  );
}

/** The path whose header cost the Redis caveat compares with. */
const MEMORY_PATH_ID = 'memory';

/** Frames of "other" listed per path, at most, and only those of at least this many µs/msg. */
const UNMATCHED_SHOWN = 5;
const UNMATCHED_FLOOR_US = 0.01;

export function renderStepsSection(
  context: BenchmarkContext,
  paths: readonly StepPath[],
  results: StepsResults,
  facts: StepsRunFacts,
): string {
  const { options } = context;
  return [
    `## ${facts.title}`,
    '',
    `${measuredOn(context, facts)}; other processes may have been using the machine.`,
    '',
    'Each path runs publisher and handler in a fresh process of its own, with the 1 KB order DTO of the `redis` ' +
      `benchmark (${options.payloadBytes} bytes of JSON) and at most ${formatInteger(options.maxInFlight)} messages ` +
      'in flight (a message holds its slot from the publish call until the handler has it; publish calls are not ' +
      'awaited one by one). Per run: a warm-up run, the same run without the profiler, then the same run again under ' +
      `V8's sampling CPU profiler (\`node:inspector\`, a sample every ${facts.samplingIntervalUs} µs asked for), started ` +
      'and stopped around that run only. Each sample is put in a step by the innermost frame of its stack that the ' +
      'step table (`bench/src/steps/step-table.ts`) knows: JSON.parse inside decode counts as decode, the ' +
      "dispatcher's own code as dispatch. A step's µs per message is its sampled time ÷ messages; its share is " +
      `of all sampled time, idle included. Figures are medians over ${options.runs} run(s), min and max beside them ` +
      '(the medians of the steps need not add up to the median total).',
    '',
    '**Profiling slows the runs** (compare the profiled msg/s with the unprofiled): the µs per message are ' +
      'those of the profiled run and larger than without the profiler; the shares say more than the absolute ' +
      'figures. The floor is what no JSON transport can go below: one `JSON.stringify` and one `JSON.parse` of ' +
      'the same order, measured in the same process after its runs, without the profiler.',
    '',
    ...paths.flatMap((path) => renderPath(path, results.get(path.id) ?? [], headerComparison(path, results))),
    '### The steps',
    '',
    ...STEPS.map((step) => `- **${step.label}**: ${step.covers}.`),
    '',
    '### What we changed because of it',
    '',
    WHAT_WE_CHANGED,
  ].join('\n');
}

function renderPath(path: StepPath, runs: readonly StepsWorkerResult[], headerComparison?: HeaderComparison): string[] {
  if (runs.length === 0) return [`### ${path.label}`, '', '(no runs)', ''];
  const messages = runs[0]!.profiled.messages;
  const profiled = spread(runs.map((run) => run.profiled.throughput));
  const unprofiled = median(runs.map((run) => run.unprofiled.throughput));
  const total = spread(runs.map((run) => run.totalUsPerMessage));
  const busy = median(runs.map((run) => run.totalUsPerMessage - run.stepUsPerMessage.idle));
  const floor = median(runs.map((run) => run.floorUsPerMessage));
  const mainThreadCpu = median(runs.map((run) => run.mainThreadCpuUsPerMessage ?? Number.NaN));
  const rows = STEPS.map((step) => stepRow(step.id, step.label, runs));
  rows.push(['**total**', `**${formatUs(total.median)}**`, formatUs(total.min), formatUs(total.max), '100%']);
  const unmatched = unmatchedFrames(runs);
  return [
    `### ${path.label}`,
    '',
    `${path.description} ${formatInteger(messages)} messages per run.`,
    '',
    `- Throughput of the profiled runs: **${formatInteger(profiled.median)} msg/s** ` +
      `(min–max ${formatInteger(profiled.min)}–${formatInteger(profiled.max)}); the same runs without the ` +
      `profiler: ${formatInteger(unprofiled)} msg/s (unprofiled ÷ profiled: ${formatRatio(unprofiled / profiled.median)}).`,
    `- Sampled time: ${formatUs(total.median)} µs/msg; without idle / program: ${formatUs(busy)} µs/msg, ` +
      `${formatRatio(busy / floor)} the floor of ${formatUs(floor)} µs/msg (JSON.stringify + JSON.parse of the order).`,
    `- The main thread was on the CPU for ${formatUs(mainThreadCpu)} µs/msg of the profiled run: the profiler ` +
      'samples wall time, so sampled time beyond that was spent off the CPU (waiting for Redis or for a core) and ' +
      'is charged to wherever the thread stopped.',
    `- Peak RSS: ${formatInteger(Math.max(...runs.map((run) => run.peakRssMb)))} MB; ` +
      `${formatInteger(median(runs.map((run) => run.samples)))} samples per profiled run, one per ` +
      `${formatInteger(median(runs.map((run) => (run.totalUsPerMessage * messages) / run.samples)))} µs on ` +
      'average (the sampler runs late when the machine is busy).',
    '',
    markdownTable(['step', 'µs/msg', 'min', 'max', 'share'], rows),
    '',
    ...(path.usesRedis ? [sharedCoresCaveat(headerComparison), ''] : []),
    unmatched.length === 0
      ? `Nothing of ${UNMATCHED_FLOOR_US} µs/msg or more fell outside the step table.`
      : `Largest in "other" (leaf functions no rule matched, µs/msg averaged over the runs): ${unmatched.join('; ')}.`,
    '',
  ];
}

/** `createHeader` on a Redis path beside the memory path's, when both ran. */
function headerComparison(path: StepPath, results: StepsResults): HeaderComparison | undefined {
  const memory = results.get(MEMORY_PATH_ID) ?? [];
  const redis = results.get(path.id) ?? [];
  if (!path.usesRedis || memory.length === 0 || redis.length === 0) return undefined;
  const headerOf = (runs: readonly StepsWorkerResult[]): Spread =>
    spread(runs.map((run) => run.stepUsPerMessage.header));
  return { redis: headerOf(redis), memory: headerOf(memory).median };
}

function stepRow(id: StepId, label: string, runs: readonly StepsWorkerResult[]): string[] {
  const us = spread(runs.map((run) => run.stepUsPerMessage[id]));
  const share = median(runs.map((run) => run.stepUsPerMessage[id] / run.totalUsPerMessage));
  return [label, formatUs(us.median), formatUs(us.min), formatUs(us.max), `${(share * 100).toFixed(1)}%`];
}

/** The "other" frames with the most time per message, averaged over the runs. */
function unmatchedFrames(runs: readonly StepsWorkerResult[]): string[] {
  const sums = new Map<string, number>();
  for (const run of runs) {
    for (const { frame, usPerMessage } of run.unmatched) sums.set(frame, (sums.get(frame) ?? 0) + usPerMessage);
  }
  return [...sums]
    .filter(([, sum]) => sum / runs.length >= UNMATCHED_FLOOR_US)
    .sort((a, b) => b[1] - a[1])
    .slice(0, UNMATCHED_SHOWN)
    .map(([frame, sum]) => `\`${frame.replace(/\s+/g, ' ')}\` ${formatUs(sum / runs.length)}`);
}

/** µs with precision that suits their size. */
function formatUs(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}
