import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger, formatMs, formatRatio, markdownTable } from '../harness/markdown-table';
import { measuredOn } from '../harness/measured-on';
import { median, spread } from '../harness/stats';
import { AIM_RATIO, ORIGINAL_ON_TWO_CORES, ORIGINAL_PUBLISHED, ORIGINAL_PUBLISHED_RACTOR } from './original-figures';
import { ScenarioWorkerResult } from './scenario-worker';
import { Scenario, SCENARIOS } from './scenarios';

/** One (scenario, scale) as measured by its worker. */
export interface ScenarioMeasurement {
  scenario: Scenario;
  scale: number;
  messages: number;
  concurrency: number;
  result: ScenarioWorkerResult;
}

/** What the section's header says about the run itself. */
export interface ScenarioRunFacts {
  title: string;
  startedAt: Date;
  loadAtStart: string;
  loadAtEnd: string;
}

const ORIGINAL_MESSAGES = SCENARIOS.reduce((sum, scenario) => sum + scenario.messages, 0);
const ORIGINAL_OVERALL_ON_TWO_CORES = ORIGINAL_MESSAGES / ORIGINAL_ON_TWO_CORES.totalSeconds;

function medianThroughput(measurement: ScenarioMeasurement): number {
  return median(measurement.result.runs.map((run) => run.throughput));
}

function medianScenarioMs(measurement: ScenarioMeasurement): number {
  return median(measurement.result.runs.map((run) => run.scenarioMs));
}

function originalThroughput(measurement: ScenarioMeasurement): number {
  return ORIGINAL_ON_TWO_CORES.throughput[measurement.scenario.id];
}

function formatScale(scale: number): string {
  return `${scale}×`;
}

function formatMb(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '–';
}

function verdict(ratio: number): string {
  return ratio >= AIM_RATIO ? 'met' : 'NOT met';
}

/** The section of docs/benchmarks.md for `pnpm bench scenarios`. */
export function renderScenariosSection(
  context: BenchmarkContext,
  measurements: readonly ScenarioMeasurement[],
  facts: ScenarioRunFacts,
): string {
  const { machine, options } = context;
  const scales = [...new Set(measurements.map((measurement) => measurement.scale))];
  const scenarios = SCENARIOS.filter((scenario) => measurements.some((m) => m.scenario.id === scenario.id));
  const byScenario = (scenario: Scenario): ScenarioMeasurement[] =>
    measurements.filter((measurement) => measurement.scenario.id === scenario.id);
  const cpuConcurrency = measurements.find((measurement) => measurement.scenario.kind === 'cpu')?.concurrency;
  const sleepConcurrency =
    options.ioConcurrency === undefined
      ? "one slot per message (concurrency = the run's message count), as unbounded as the original's pool"
      : `concurrency ${formatInteger(options.ioConcurrency)} (\`--io-concurrency\`)`;

  const throughputRows = scenarios.flatMap((scenario) =>
    byScenario(scenario).map((measurement) => {
      const { result } = measurement;
      const throughput = spread(result.runs.map((run) => run.throughput));
      return [
        measurement.scenario.label,
        formatScale(measurement.scale),
        formatInteger(measurement.messages),
        formatInteger(measurement.concurrency),
        formatInteger(throughput.median),
        formatInteger(throughput.min),
        formatInteger(throughput.max),
        formatInteger(median(result.runs.map((run) => run.publishRate))),
        formatMs(medianScenarioMs(measurement)),
        formatMb(result.warmup.rssGrowthMb),
        formatInteger(result.peakRssMb),
        formatInteger(originalThroughput(measurement)),
        `**${formatRatio(throughput.median / originalThroughput(measurement))}**`,
      ];
    }),
  );

  // Like the original's report: every message of the five scenarios over their summed times.
  const overall = scales.map((scale) => {
    const atScale = measurements.filter((measurement) => measurement.scale === scale);
    const messages = atScale.reduce((sum, measurement) => sum + measurement.messages, 0);
    const totalMs = atScale.reduce((sum, measurement) => sum + medianScenarioMs(measurement), 0);
    const complete = atScale.length === SCENARIOS.length;
    return {
      scale,
      messages,
      totalMs,
      throughput: (messages / totalMs) * 1000,
      complete,
      rssGrowthMb: atScale.reduce((sum, measurement) => sum + measurement.result.warmup.rssGrowthMb, 0),
      peakRssMb: Math.max(...atScale.map((measurement) => measurement.result.peakRssMb)),
    };
  });
  const overallRows = overall.map((row) => [
    row.complete ? 'all five' : `${measurements.filter((m) => m.scale === row.scale).length} selected`,
    formatScale(row.scale),
    formatInteger(row.messages),
    formatMs(row.totalMs),
    formatInteger(row.throughput),
    row.complete ? formatInteger(ORIGINAL_OVERALL_ON_TWO_CORES) : '–',
    row.complete ? `**${formatRatio(row.throughput / ORIGINAL_OVERALL_ON_TWO_CORES)}**` : '–',
    formatMb(row.rssGrowthMb),
    formatInteger(row.peakRssMb),
  ]);

  const aimLines = scenarios.map((scenario) => {
    const ratios = byScenario(scenario).map((measurement) => ({
      scale: measurement.scale,
      ratio: medianThroughput(measurement) / originalThroughput(measurement),
    }));
    const missed = ratios.filter((entry) => entry.ratio < AIM_RATIO).map((entry) => formatScale(entry.scale));
    const perScale = ratios
      .map((entry) => `${formatScale(entry.scale)} ${formatRatio(entry.ratio)} (${verdict(entry.ratio)})`)
      .join(' · ');
    const summary = missed.length === 0 ? 'met' : `NOT met (at ${missed.join(', ')})`;
    return `- ${scenario.label}: ${perScale}. **Aim ${AIM_RATIO}× or more: ${summary}**`;
  });
  const overallAims = overall.filter((row) => row.complete);
  if (overallAims.length > 0) {
    const perScale = overallAims
      .map((row) => {
        const ratio = row.throughput / ORIGINAL_OVERALL_ON_TWO_CORES;
        return `${formatScale(row.scale)} ${formatRatio(ratio)} (${verdict(ratio)})`;
      })
      .join(' · ');
    aimLines.push(`- Overall: ${perScale}.`);
  }

  const originalRows = scenarios.map((scenario) => {
    const atOriginalCounts = byScenario(scenario).find((measurement) => measurement.scale === 1);
    const published = ORIGINAL_PUBLISHED.throughput[scenario.id];
    return [
      scenario.label,
      formatInteger(scenario.messages),
      scenario.work,
      formatInteger(ORIGINAL_ON_TWO_CORES.throughput[scenario.id]),
      formatInteger(published),
      atOriginalCounts && options.messages === undefined
        ? formatRatio(medianThroughput(atOriginalCounts) / published)
        : '–',
    ];
  });
  originalRows.push([
    'overall',
    formatInteger(ORIGINAL_MESSAGES),
    '',
    `${formatInteger(ORIGINAL_OVERALL_ON_TWO_CORES)} (${ORIGINAL_ON_TWO_CORES.totalSeconds} s, ${ORIGINAL_ON_TWO_CORES.memoryMb} MB)`,
    `${formatInteger(ORIGINAL_PUBLISHED.overall)} (${ORIGINAL_PUBLISHED.totalSeconds} s, ${ORIGINAL_PUBLISHED.memoryMb} MB)`,
    '',
  ]);

  return [
    `## ${facts.title}`,
    '',
    `${measuredOn(context, facts)} (${machine.cores} cores).`,
    '',
    "A port of the original SmartMessage's own benchmark (`examples/performance_metrics/performance_benchmark.rb`). " +
      'Five scenarios, one message type each (`CpuLightMessage` …), every message from `benchmark-service` with ' +
      '`scenario_id`, `message_id` and `timestamp` (required) and `computation_cycles` and `sleep_duration`, ' +
      'checked by class-validator rules on publish and on receipt. Each scenario runs in a Nest application of its ' +
      'own: `SmartMessageModule.forRoot` on the in-memory transport (dead letters kept in memory) and one ' +
      '`@Subscribe` handler in a provider. As in the original, all messages are built, then published one by one ' +
      "(`await bus.publish`), and the handler does the scenario's work; the JSON decoding the original's handlers " +
      'do themselves is done by the bus here, with validation.',
    '',
    'Scenario time runs from before the messages are built to the end of the last handler call. The handler ' +
      'reports its own end, so the wait ends the moment the last call does; **the original polled its ' +
      "dispatcher's completed-task count every 100 ms instead**, which adds up to 100 ms to each of its scenario " +
      'times (0.4–1.5 s each on 2 cores). Throughput is messages handled ÷ scenario time; publish rate is messages ' +
      'published ÷ time of the publish loop (the in-memory transport starts handlers on a later event-loop turn, ' +
      'so they run once the loop is done). RSS growth is RSS after − RSS before a run, shown for the first run in ' +
      "the process (the original's single run; negative when the collector returned start-up garbage meanwhile); peak RSS is the worker process's largest over all its runs. " +
      `Each (scenario, scale) runs in a fresh worker process: the application starts (not timed), then one ` +
      `warm-up run and ${options.runs} measured runs of the same count; figures are medians over the measured ` +
      "runs, with min and max. At the original's counts a run lasts milliseconds and successive runs in one process " +
      'still get faster as V8 optimizes more of the path (compare min and max): the 10× and 100× rows are the ' +
      'steadier figures.',
    '',
    'Handler concurrency. The original ran handlers on a `Concurrent::CachedThreadPool`, which starts a thread for ' +
      `every waiting task. CPU Light and CPU Heavy: \`@Subscribe({ concurrency: ${cpuConcurrency ?? 1} })\`, since ` +
      'their synchronous CPU work cannot overlap on one JS thread (nor could it under Ruby’s GVL) and more slots ' +
      'would only queue the same work. I/O Light, I/O Heavy and Mixed Load sleep on a timer, which does not hold ' +
      `the thread, so their calls overlap: ${sleepConcurrency}. With a slot per message every call is in flight ` +
      'at once, which shows in peak RSS at 100×. Options: `--cpu-concurrency N`, `--io-concurrency N`; the ' +
      "library's default, 100, bounds that memory but caps I/O Heavy at 100 ÷ 10 ms = 10,000 msg/s.",
    '',
    `### Throughput against the original on ${ORIGINAL_ON_TWO_CORES.label.split(',')[0]}`,
    '',
    markdownTable(
      [
        'scenario',
        'scale',
        'messages',
        'concurrency',
        'median msg/s',
        'min',
        'max',
        'publish msg/s',
        'median ms',
        'RSS +MB first run',
        'peak RSS MB',
        'original msg/s',
        'ours ÷ original',
      ],
      throughputRows,
    ),
    '',
    `"original msg/s" is the original at its own counts on ${ORIGINAL_ON_TWO_CORES.label}: the same kind of ` +
      'machine, not the same run. The original ran only its own counts, so the 10× and 100× rows are compared with ' +
      'the same figure.' +
      (options.messages === undefined
        ? ''
        : ` This run replaced the original's counts with ${formatInteger(options.messages)} messages per scenario.`),
    '',
    "### Overall, as the original's report",
    '',
    'All messages of the five scenarios ÷ the sum of their median scenario times. The original measured its ' +
      `overall figure in one process (${ORIGINAL_MESSAGES.toLocaleString('en-US')} messages in ` +
      `${ORIGINAL_ON_TWO_CORES.totalSeconds} s, ${ORIGINAL_ON_TWO_CORES.memoryMb} MB RSS growth on 2 cores); ` +
      'here every scenario has a process of its own, so RSS growth is the sum over the five first runs and peak ' +
      'RSS the largest of the five processes.',
    '',
    markdownTable(
      [
        'scenarios',
        'scale',
        'messages',
        'total ms',
        'msg/s',
        'original msg/s',
        'ours ÷ original',
        'RSS +MB first runs',
        'peak RSS MB',
      ],
      overallRows,
    ),
    '',
    `### Against the aim: ${AIM_RATIO}× the original on 2 cores`,
    '',
    ...aimLines,
    '',
    '### Every message handled?',
    '',
    ...handlingLines(measurements),
    '',
    "### The original's figures",
    '',
    markdownTable(
      [
        'scenario',
        'messages',
        'work per message',
        'msg/s, 2 cores, Ruby 3.1.2',
        'msg/s, published',
        'ours 1× ÷ published',
      ],
      originalRows,
      false,
    ),
    '',
    `The comparison: ${ORIGINAL_ON_TWO_CORES.label}, with the handlers' work restored. The published figures ` +
      `(${ORIGINAL_PUBLISHED.label.replace(/^published: /, '')}) are shown for completeness only: by then the ` +
      "benchmark's handlers took two arguments while the dispatcher passed one, so in that run every handler failed " +
      'straight into the dead letter queue and no CPU or sleep work ran. A Ractor variant published ' +
      `${formatInteger(ORIGINAL_PUBLISHED_RACTOR.overall)} msg/s overall with ${ORIGINAL_PUBLISHED_RACTOR.memoryMb.toFixed(1)} MB.`,
  ].join('\n');
}

/** Whether the bus handled every message it published, per (scenario, scale), from the worker's own checks. */
function handlingLines(measurements: readonly ScenarioMeasurement[]): string[] {
  const problems: string[] = [];
  let published = 0;
  for (const measurement of measurements) {
    const { result, scenario, scale } = measurement;
    const runs = [result.warmup, ...result.runs];
    const built = runs.reduce((sum, run) => sum + run.messages, 0);
    const handled = runs.reduce((sum, run) => sum + run.handled, 0);
    const failed = runs.reduce((sum, run) => sum + run.failed, 0);
    const publishErrors = runs.reduce((sum, run) => sum + run.publishErrors, 0);
    const stalled = runs.filter((run) => run.stalled).length;
    const { busCounts, deadLetters } = result;
    published += busCounts.published;
    const issues: string[] = [];
    if (publishErrors > 0) issues.push(`${publishErrors} publish error(s), first: ${result.firstPublishError ?? '?'}`);
    if (busCounts.published !== built - publishErrors)
      issues.push(`bus counted ${busCounts.published} published of ${built - publishErrors}`);
    if (busCounts.succeeded !== busCounts.published || handled !== busCounts.published)
      issues.push(`handled ${busCounts.succeeded} (handler saw ${handled}) of ${busCounts.published} published`);
    if (failed > 0 || busCounts.failed > 0 || busCounts.rejected > 0)
      issues.push(`${busCounts.failed} handler failure(s), ${busCounts.rejected} rejected`);
    if (deadLetters.total > 0) {
      const reasons = Object.entries(deadLetters.byReason)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ');
      issues.push(`${deadLetters.total} dead letter(s): ${reasons}`);
    }
    if (stalled > 0) issues.push(`${stalled} run(s) stopped waiting after nothing ended for 15 s`);
    if (issues.length > 0) problems.push(`- ${scenario.label} ${formatScale(scale)}: ${issues.join('; ')}.`);
  }
  if (problems.length === 0) {
    return [
      `Yes: over every run, warm-ups included, the bus published ${formatInteger(published)} messages and counted ` +
        'as many successful handler calls, the handler itself saw each one end, and nothing failed, was rejected ' +
        'or went to the dead letter queue.',
    ];
  }
  return ['**No.** Throughput above counts only messages handled; what went wrong:', '', ...problems];
}
