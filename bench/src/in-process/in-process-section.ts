import { BarChart } from '../harness/bar-chart-svg';
import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger, formatRatio, markdownTable } from '../harness/markdown-table';
import { measuredOn } from '../harness/measured-on';
import { median, spread } from '../harness/stats';
import { ContenderDefinition, ValidationMode } from './contender';
import { InProcessResults } from './in-process-results';

/** What the section says about the run itself. */
export interface RunFacts {
  title: string;
  startedAt: Date;
  messages: number;
  loadAtStart: string;
  loadAtEnd: string;
  /** The chart's file name, relative to docs/benchmarks.md. */
  chartFile: string;
}

/** The targets for our bus against the floor without validation: floor ÷ ours at most this. */
const TARGETS: readonly { validation: ValidationMode; atMost: number; label: string }[] = [
  { validation: 'off', atMost: 1.5, label: 'Validation off' },
  { validation: 'on', atMost: 4, label: 'Validation on' },
];

const MODE_TITLES: Record<ValidationMode, string> = {
  on: 'Validation on (class-validator at both ends)',
  off: 'Validation off',
};

export function renderSection(context: BenchmarkContext, results: InProcessResults, facts: RunFacts): string {
  const { options, machine } = context;
  const modes = (['on', 'off'] as const).filter((mode) => results.inMode(mode).length > 0);
  const losses = results.contenders.flatMap((contender) => {
    const runs = results.of(contender.id).flatMap((run) => [run.warmup, run.measured]);
    const lost = runs.reduce((sum, run) => sum + run.lost, 0);
    const repeated = runs.reduce((sum, run) => sum + run.repeated, 0);
    return [
      ...(lost > 0 ? [`- \`${contender.id}\` lost ${lost} message(s) over its runs.`] : []),
      ...(repeated > 0 ? [`- \`${contender.id}\` ran its handler twice for ${repeated} message(s).`] : []),
    ];
  });
  return [
    `## ${facts.title}`,
    '',
    `${measuredOn(context, facts)} (${machine.cores} cores); other processes may have been using the machine, so ` +
      'compare rows within this section only.',
    '',
    `Publisher and handler in one process: a Nest 11 application context for our bus, @nestjs/event-emitter and ` +
      `@nestjs/cqrs, plain Node for the floor. Each contender sends ${formatInteger(facts.messages)} messages whose ` +
      `JSON payload is ${options.payloadBytes} bytes (the order DTO of the Redis benchmark, six fields and a padding ` +
      `field, with its class-validator rules) to one handler. Flow control is the same for all: at most ` +
      `${formatInteger(options.maxInFlight)} messages in flight, a message holding its slot from its publish call ` +
      "until its handler has finished (the handler's last statement counts it), and the publisher returns to the " +
      `event loop (one setImmediate turn) after every ${formatInteger(options.maxInFlight)} publish calls; a run ` +
      'ends when the last handler has finished. The peers and the floor run the handler inside the publish call, ' +
      'so they never have more than one message in flight (the turns keep them from leaving their per-message ' +
      'promise and RxJS bookkeeping for after the run); our bus delivers on a later event-loop turn and fills the ' +
      'window. ' +
      'Throughput is messages ÷ (first publish call → end of the last handler). Every contender runs in a fresh ' +
      `process per run: one warm-up run of the same size, then the measured run; ${options.runs} measured ` +
      `run${options.runs === 1 ? '' : 's'} each, contenders in rotating order. ` +
      'Figures are medians over the runs, with the min and max of throughput ' +
      "beside them. CPU µs/msg is the process's CPU time (user + system) during the measured run ÷ messages. Peak " +
      'RSS is the largest over the runs, of the whole worker process (the TypeScript loader included, the same in ' +
      'every row).',
    '',
    `![Messages per second of each contender, validation on and off](${facts.chartFile})`,
    '',
    ...modes.flatMap((mode) => [`### ${MODE_TITLES[mode]}`, '', modeTable(results, mode), '']),
    '`ours ÷ this`: our median throughput in this mode ÷ the row’s. `× floor`: the floor’s median throughput in ' +
      'this mode ÷ the row’s, i.e. how many times the cost of the floor the row pays per message.',
    '',
    '### Against the targets',
    '',
    ...targetLines(results),
    ...(losses.length > 0 ? ['', '### Lost or repeated messages', '', ...losses] : []),
    '',
    '### Contenders',
    '',
    ...results.contenders.map((contender) => `- \`${contender.id}\`: ${contender.label}. ${contender.description}`),
  ].join('\n');
}

function modeTable(results: InProcessResults, mode: ValidationMode): string {
  const ours = results.medianThroughput(results.find('smart-message', mode));
  const floor = results.medianThroughput(results.find('floor', mode));
  const rows = results.inMode(mode).map((contender) => {
    const runs = results.of(contender.id);
    const throughput = spread(runs.map((run) => run.measured.throughput));
    return [
      `\`${contender.id}\` ${contender.label}`,
      formatInteger(throughput.median),
      formatInteger(throughput.min),
      formatInteger(throughput.max),
      formatPrecise(median(runs.map((run) => run.measured.cpuUsPerMessage))),
      formatInteger(Math.max(...runs.map((run) => run.peakRssMb))),
      contender.family === 'smart-message' ? '' : formatRatio(ours / throughput.median),
      formatRatio(floor / throughput.median),
    ];
  });
  return markdownTable(
    ['contender', 'median msg/s', 'min', 'max', 'CPU µs/msg', 'peak RSS MB', 'ours ÷ this', '× floor'],
    rows,
  );
}

/** Our bus in each mode against the floor without validation (the bare EventEmitter + JSON round trip). */
function targetLines(results: InProcessResults): string[] {
  const floor = results.find('floor', 'off');
  return TARGETS.map(({ validation, atMost, label }) => {
    const ours = results.find('smart-message', validation);
    const oursId = validation === 'on' ? 'smart-message' : 'smart-message-no-validation';
    if (!ours || !floor) return `- ${label}: not measured (needs \`${oursId}\` and \`floor\`; run without \`--only\`).`;
    const ratio = results.medianThroughput(floor) / results.medianThroughput(ours);
    const verdict = ratio <= atMost ? 'met' : 'NOT met';
    // CPU per message depends less on what else the machine is doing than throughput does.
    const cpuRatio = medianCpu(results, ours) / medianCpu(results, floor);
    return (
      `- ${label}: \`floor\` (no validation) ÷ \`${ours.id}\` = **${formatRatio(ratio)}** in throughput ` +
      `(target: within ${atMost}×): **${verdict}**. By CPU µs/msg, ours ÷ floor: ${formatRatio(cpuRatio)}.`
    );
  });
}

function medianCpu(results: InProcessResults, contender: ContenderDefinition): number {
  return median(results.of(contender.id).map((run) => run.measured.cpuUsPerMessage));
}

/** The chart of the section: median msg/s of every contender, one group per validation mode. */
export function throughputChart(context: BenchmarkContext, results: InProcessResults, facts: RunFacts): BarChart {
  const { options, machine } = context;
  return {
    title: `In-process publish → handler, ${options.payloadBytes} B messages: median msg/s (higher is better)`,
    subtitle:
      `${formatInteger(facts.messages)} messages per run, median of ${options.runs} runs; ${machine.cores} cores, ` +
      `Node ${machine.node}; ${facts.startedAt.toISOString().slice(0, 10)}, code at ${shortRevision(context.revision)}`,
    groups: (['on', 'off'] as const)
      .filter((mode) => results.inMode(mode).length > 0)
      .map((mode) => ({
        title: MODE_TITLES[mode],
        bars: results.inMode(mode).map((contender: ContenderDefinition) => ({
          label: contender.id,
          value: results.medianThroughput(contender),
          emphasis: contender.family === 'smart-message',
        })),
      })),
    formatValue: (value) => `${formatInteger(value)} msg/s`,
  };
}

/** `abc1234 with 2 uncommitted change(s) in …` → `abc1234 + local changes`: the chart has one line for it. */
function shortRevision(revision: string): string {
  const [commit] = revision.split(' ');
  return revision.includes(' with ') ? `${commit} + local changes` : (commit ?? revision);
}

/** Small values with the precision they need: 3.42, 12.3, 456. */
function formatPrecise(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return formatInteger(value);
}
