import { randomBytes } from 'node:crypto';
import { brokerUrlsOf } from '../harness/bench-options';
import { Benchmark, BenchmarkContext } from '../harness/benchmark';
import { currentLoad } from '../harness/machine';
import { formatInteger, formatMs, formatRatio, markdownTable } from '../harness/markdown-table';
import { measuredOn } from '../harness/measured-on';
import { median, spread } from '../harness/stats';
import { ContenderDefinition } from '../redis/contender';
import { BrokerSuite } from './broker-suite';
import { BrokerWorkerResult, BrokerWorkerTask, runBrokerWorker } from './broker-worker';

/** Offered rate of the paced runs of a suite without `defaultRate`, when `--rate` is not given. */
const DEFAULT_RATE = 5000;

/** What the section's header says about the run itself. */
interface RunFacts {
  startedAt: Date;
  servers: string;
  loadAtStart: string;
  loadAtEnd: string;
}

type Results = Map<string, BrokerWorkerResult[]>;

/** How many messages each run sends, and at what rate the paced run offers them. */
interface Plan {
  messages: number;
  rate: number;
  pacedMessages: number;
}

function planOf(suite: BrokerSuite, options: BenchmarkContext['options']): Plan {
  const rate = options.rate ?? suite.defaultRate ?? DEFAULT_RATE;
  return {
    messages: options.messages ?? suite.defaultMessages,
    rate,
    pacedMessages: options.pacedMessages ?? rate * 2,
  };
}

/**
 * A benchmark of publish → handler over real brokers: each contender of the suite, raw clients
 * and peers beside ours, in a fresh process, at saturation and at a fixed rate, in rotating order.
 */
export function brokerBenchmark(suite: BrokerSuite): Benchmark {
  const benchmark: Benchmark = {
    name: suite.name,
    title: suite.title,
    run: (context) => runSuite(suite, context),
    async work(task) {
      return runBrokerWorker(suite, task as unknown as BrokerWorkerTask);
    },
  };
  return benchmark;
}

async function runSuite(suite: BrokerSuite, context: BenchmarkContext): Promise<string> {
  const { options } = context;
  const { messages, rate, pacedMessages } = planOf(suite, options);
  const contenders = selectContenders(suite.contenders, options.only);
  const startedAt = new Date();
  const urls = brokerUrlsOf(options);
  const servers = await suite.servers(urls, contenders);
  const loadAtStart = currentLoad();
  const runId = `bench_${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  context.progress(
    `${contenders.length} contenders × (1 warm-up + ${options.runs} runs) of ${messages} messages of ` +
      `${options.payloadBytes} B, at most ${options.maxInFlight} in flight, then ${pacedMessages} at ${rate} msg/s; ` +
      `${servers}, names under ${runId}:`,
  );
  const results: Results = new Map(contenders.map((contender) => [contender.id, []]));
  try {
    for (let run = 0; run < options.runs; run++) {
      // A rotating order spreads whatever else loads the machine over every contender alike.
      const order = contenders.map((_, index) => contenders[(index + run) % contenders.length]!);
      for (const contender of order) {
        context.progress(`run ${run + 1}/${options.runs} ${contender.label} …`);
        const task: BrokerWorkerTask = {
          contender: contender.id,
          prefix: `${runId}_${contender.id.replace(/-/g, '_')}_${run}_`,
          urls,
          messages,
          payloadBytes: options.payloadBytes,
          maxInFlight: options.maxInFlight,
          rate,
          pacedMessages,
        };
        const result = (await context.runWorker({ ...task }).catch(async (error: unknown) => {
          // A worker that died (or timed out) did not clean up after itself.
          await suite.cleanup(urls, task.prefix, [contender]).catch(() => undefined);
          throw error;
        })) as BrokerWorkerResult;
        results.get(contender.id)!.push(result);
        context.progress(`run ${run + 1}/${options.runs} ${contender.label}: ${describeResult(result)}`);
      }
    }
  } finally {
    await suite.cleanup(urls, runId, contenders).catch(() => undefined);
  }
  const facts: RunFacts = { startedAt, servers, loadAtStart, loadAtEnd: currentLoad() };
  const section = renderSection(suite, context, contenders, results, facts);
  context.progress('done');
  return section;
}

function selectContenders(all: readonly ContenderDefinition[], only: string[]): ContenderDefinition[] {
  if (only.length === 0) return [...all];
  const unknown = only.filter((id) => !all.some((contender) => contender.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown contender(s) ${unknown.join(', ')}; known: ${all.map((contender) => contender.id).join(', ')}`,
    );
  }
  return all.filter((contender) => only.includes(contender.id));
}

function describeResult({ saturation, paced, peakRssMb }: BrokerWorkerResult): string {
  const lost = saturation.lost + paced.lost > 0 ? `, LOST ${saturation.lost + paced.lost}` : '';
  return (
    `${formatInteger(saturation.throughput)} msg/s, p50 ${formatMs(saturation.p50Ms)} ms, ` +
    `p99 ${formatMs(saturation.p99Ms)} ms, CPU ${formatInteger(saturation.cpuUsPerMessage)} µs/msg | at ${formatInteger(paced.offeredRate)} msg/s: ` +
    `p50 ${formatMs(paced.p50Ms)} ms, p99 ${formatMs(paced.p99Ms)} ms | RSS ${Math.round(peakRssMb)} MB${lost}`
  );
}

function medianThroughput(results: Results, id: string): number {
  return median((results.get(id) ?? []).map((result) => result.saturation.throughput));
}

/** The medians a ratio row divides: throughput and CPU at saturation, latency at the fixed rate. */
function medianFigures(results: Results, id: string): number[] {
  const runs = results.get(id) ?? [];
  return [
    median(runs.map((run) => run.saturation.throughput)),
    median(runs.map((run) => run.saturation.cpuUsPerMessage)),
    median(runs.map((run) => run.paced.cpuUsPerMessage)),
    median(runs.map((run) => run.paced.p50Ms)),
    median(runs.map((run) => run.paced.p99Ms)),
  ];
}

function renderSection(
  suite: BrokerSuite,
  context: BenchmarkContext,
  contenders: ContenderDefinition[],
  results: Results,
  facts: RunFacts,
): string {
  const { options, machine } = context;
  const { messages, rate, pacedMessages } = planOf(suite, options);
  const ids = new Set(contenders.map((contender) => contender.id));
  const ratioText = (contender: ContenderDefinition): string => {
    const baselines = [...(contender.aims ?? []).map((aim) => aim.baseline), ...(contender.compareWith ?? [])].filter(
      (baseline) => ids.has(baseline),
    );
    return baselines
      .map(
        (baseline) =>
          `${formatRatio(medianThroughput(results, contender.id) / medianThroughput(results, baseline))} ${baseline}`,
      )
      .join(', ');
  };

  const saturationRows = contenders.map((contender) => {
    const runs = results.get(contender.id)!;
    const throughput = spread(runs.map((run) => run.saturation.throughput));
    return [
      contender.label,
      formatInteger(throughput.median),
      formatInteger(throughput.min),
      formatInteger(throughput.max),
      formatMs(median(runs.map((run) => run.saturation.p50Ms))),
      formatMs(median(runs.map((run) => run.saturation.p99Ms))),
      formatInteger(median(runs.map((run) => run.saturation.cpuUsPerMessage))),
      formatInteger(Math.max(...runs.map((run) => run.peakRssMb))),
      ratioText(contender),
    ];
  });

  const pacedRows = contenders.map((contender) => {
    const runs = results.get(contender.id)!;
    const p99 = spread(runs.map((run) => run.paced.p99Ms));
    return [
      contender.label,
      formatInteger(median(runs.map((run) => run.paced.throughput))),
      formatMs(median(runs.map((run) => run.paced.p50Ms))),
      formatMs(p99.median),
      `${formatMs(p99.min)}–${formatMs(p99.max)}`,
      formatMs(Math.max(...runs.map((run) => run.paced.maxMs))),
      formatInteger(median(runs.map((run) => run.paced.cpuUsPerMessage))),
    ];
  });

  const ratioRows = contenders.flatMap((contender) =>
    [...(contender.aims ?? []).map((aim) => aim.baseline), ...(contender.compareWith ?? [])]
      .filter((baseline) => ids.has(baseline))
      .map((baseline) => {
        const ours = medianFigures(results, contender.id);
        const theirs = medianFigures(results, baseline);
        return [
          `\`${contender.id}\``,
          `\`${baseline}\``,
          ...ours.map((figure, index) => formatRatio(figure / theirs[index]!)),
        ];
      }),
  );

  const aimLines = contenders.flatMap((contender) =>
    (contender.aims ?? [])
      .filter((aim) => ids.has(aim.baseline))
      .map((aim) => {
        const ratio = medianThroughput(results, contender.id) / medianThroughput(results, aim.baseline);
        const verdict = ratio >= aim.atLeast ? 'met' : 'NOT met';
        return `- \`${contender.id}\` ÷ \`${aim.baseline}\`: **${formatRatio(ratio)}** (aim ≥ ${aim.atLeast}: ${verdict})`;
      }),
  );

  const losses = contenders.flatMap((contender) => {
    const lost = results.get(contender.id)!.reduce((sum, run) => sum + run.saturation.lost + run.paced.lost, 0);
    return lost > 0 ? [`- \`${contender.id}\` lost ${lost} message(s) over its runs.`] : [];
  });

  return [
    `## ${suite.title}`,
    '',
    `${measuredOn(context, facts)} (${machine.cores} cores); other processes may have been using the machine, so ` +
      'compare rows within this table only.',
    '',
    `Each contender sends ${formatInteger(messages)} messages whose JSON payload is ${options.payloadBytes} bytes ` +
      `(a six-field order DTO padded to size; our frames add the CloudEvents header around it), with at most ` +
      `${formatInteger(options.maxInFlight)} in flight: the publisher waits while that many messages are unanswered by ` +
      'the broker or not yet received by the handler. Every contender runs in a fresh process of its own, publisher and ' +
      `handler together: one warm-up run, then the measured run; ${options.runs} measured runs each, contenders in ` +
      'rotating order. Throughput is messages received ÷ (first publish → last handler start). Latency is publish ' +
      'call → handler start, from a `performance.now()` timestamp inside the payload. Figures are medians over the ' +
      'runs (min and max of throughput beside it); peak RSS is the largest over the runs. CPU µs/msg is the ' +
      "CPU time (user + system) of the contender's process, publisher and handler together, per message: " +
      "it depends less on what else the machine is doing than throughput does, and the broker's own CPU is not in it.",
    '',
    ...(suite.introduction ? [suite.introduction, ''] : []),
    '### At saturation',
    '',
    markdownTable(
      ['contender', 'median msg/s', 'min', 'max', 'p50 ms', 'p99 ms', 'CPU µs/msg', 'peak RSS MB', 'ratio'],
      saturationRows,
    ),
    '',
    `### At a fixed offered rate of ${formatInteger(rate)} msg/s (${formatInteger(pacedMessages)} messages)`,
    '',
    'The publisher sends on schedule (same in-flight bound); latency is measured from the actual publish call.',
    '',
    markdownTable(
      ['contender', 'achieved msg/s', 'p50 ms', 'p99 ms', 'p99 min–max', 'worst ms', 'CPU µs/msg'],
      pacedRows,
    ),
    '',
    ...(ratioRows.length > 0
      ? [
          '### Ratios, measured in the same run',
          '',
          "Each figure is the row's median ÷ its baseline's median: above 1× is more msg/s, more CPU per message, or a higher latency.",
          '',
          markdownTable(
            [
              'contender',
              'baseline',
              'msg/s',
              'CPU µs/msg',
              `CPU µs/msg at ${formatInteger(rate)} msg/s`,
              `p50 at ${formatInteger(rate)} msg/s`,
              `p99 at ${formatInteger(rate)} msg/s`,
            ],
            ratioRows,
          ),
          '',
        ]
      : []),
    '### Against the aims',
    '',
    ...(aimLines.length > 0 ? aimLines : ['- (no aim applies to the contenders selected)']),
    ...(losses.length > 0 ? ['', '### Lost messages', '', ...losses] : []),
    '',
    '### Contenders',
    '',
    ...contenders.map((contender) => `- \`${contender.id}\`: ${contender.label}. ${contender.description}`),
  ].join('\n');
}
