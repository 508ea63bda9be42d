import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChartSvg } from '../harness/bar-chart-svg';
import { Benchmark } from '../harness/benchmark';
import { currentLoad } from '../harness/machine';
import { formatInteger } from '../harness/markdown-table';
import { ContenderDefinition } from './contender';
import { IN_PROCESS_CONTENDERS } from './contenders';
import { InProcessResults } from './in-process-results';
import { renderSection, RunFacts, throughputChart } from './in-process-section';
import { InProcessWorkerResult, InProcessWorkerTask, runInProcessWorker } from './in-process-worker';

const DEFAULT_MESSAGES = 50_000;
const CHART_FILE = 'benchmarks-in-process.svg';
/** Beside docs/benchmarks.md, which links it by file name. */
const CHART_PATH = join(__dirname, '../../../docs', CHART_FILE);

export const inProcessBenchmark: Benchmark = {
  name: 'in-process',
  title: 'In process: publish → handler in one Nest app',

  async run(context) {
    const { options } = context;
    const messages = options.messages ?? DEFAULT_MESSAGES;
    const contenders = selectContenders(options.only);
    const startedAt = new Date();
    const loadAtStart = currentLoad();
    context.progress(
      `${contenders.length} contenders × ${options.runs} runs (each 1 warm-up + 1 measured) of ${messages} messages ` +
        `of ${options.payloadBytes} B, at most ${options.maxInFlight} in flight`,
    );
    const results = new InProcessResults(contenders);
    for (let run = 0; run < options.runs; run++) {
      // A rotating order spreads whatever else loads the machine over every contender alike.
      const order = contenders.map((_, index) => contenders[(index + run) % contenders.length]!);
      for (const contender of order) {
        context.progress(`run ${run + 1}/${options.runs} ${contender.id} …`);
        const task: InProcessWorkerTask = {
          contender: contender.id,
          messages,
          payloadBytes: options.payloadBytes,
          maxInFlight: options.maxInFlight,
        };
        const result = (await context.runWorker({ ...task })) as InProcessWorkerResult;
        results.add(contender.id, result);
        context.progress(`run ${run + 1}/${options.runs} ${contender.id}: ${describeResult(result)}`);
      }
    }
    const facts: RunFacts = {
      title: inProcessBenchmark.title,
      startedAt,
      messages,
      loadAtStart,
      loadAtEnd: currentLoad(),
      chartFile: CHART_FILE,
    };
    if (options.write) {
      writeFileSync(CHART_PATH, barChartSvg(throughputChart(context, results, facts)));
      context.progress(`wrote docs/${CHART_FILE}`);
    }
    context.progress('done');
    return renderSection(context, results, facts);
  },

  async work(task) {
    return runInProcessWorker(task as unknown as InProcessWorkerTask);
  },
};

function selectContenders(only: string[]): ContenderDefinition[] {
  if (only.length === 0) return [...IN_PROCESS_CONTENDERS];
  const known = IN_PROCESS_CONTENDERS.map((contender) => contender.id);
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(`unknown contender(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return IN_PROCESS_CONTENDERS.filter((contender) => only.includes(contender.id));
}

function describeResult({ warmup, measured, peakRssMb }: InProcessWorkerResult): string {
  const lost = warmup.lost + measured.lost > 0 ? `, LOST ${warmup.lost + measured.lost}` : '';
  const repeated = warmup.repeated + measured.repeated > 0 ? `, REPEATED ${warmup.repeated + measured.repeated}` : '';
  return (
    `${formatInteger(measured.throughput)} msg/s (warm-up ${formatInteger(warmup.throughput)}), ` +
    `CPU ${measured.cpuUsPerMessage.toFixed(2)} µs/msg, RSS ${Math.round(peakRssMb)} MB${lost}${repeated}`
  );
}
