import { Benchmark } from '../harness/benchmark';
import { currentLoad } from '../harness/machine';
import { formatInteger } from '../harness/markdown-table';
import { median } from '../harness/stats';
import { ScenarioWorkerResult, ScenarioWorkerTask, runScenarioWorker } from './scenario-worker';
import { Scenario, SCENARIOS } from './scenarios';
import { renderScenariosSection, ScenarioMeasurement } from './scenarios-section';

/** The original's counts, then 10× and 100× them: at its counts a scenario ends within milliseconds here. */
const DEFAULT_SCALES = [1, 10, 100];
/** CPU work cannot overlap on one JS thread: one call at a time. */
const DEFAULT_CPU_CONCURRENCY = 1;

export const scenariosBenchmark: Benchmark = {
  name: 'scenarios',
  title: "Scenarios: the original's performance benchmark",

  async run(context) {
    const { options } = context;
    const scales = options.scales ?? DEFAULT_SCALES;
    const scenarios = selectScenarios(options.only);
    const startedAt = new Date();
    const loadAtStart = currentLoad();
    context.progress(
      `${scenarios.length} scenarios × scales ${scales.join(', ')}, each in a fresh process: 1 warm-up + ` +
        `${options.runs} runs`,
    );
    const measurements: ScenarioMeasurement[] = [];
    // Scale by scale, so that one scale's five scenarios (its overall row) are measured close together.
    for (const scale of scales) {
      for (const scenario of scenarios) {
        const messages = Math.max(1, Math.round((options.messages ?? scenario.messages) * scale));
        const concurrency =
          scenario.kind === 'cpu'
            ? (options.cpuConcurrency ?? DEFAULT_CPU_CONCURRENCY)
            : // A sleeping handler gets a slot per message, as the original's cached thread pool
              // starts a thread per waiting task.
              (options.ioConcurrency ?? messages);
        context.progress(
          `${scenario.label} ×${scale}: ${formatInteger(messages)} messages, concurrency ${concurrency} …`,
        );
        const task: ScenarioWorkerTask = { scenario: scenario.id, messages, runs: options.runs, concurrency };
        const result = (await context.runWorker({ ...task })) as ScenarioWorkerResult;
        measurements.push({ scenario, scale, messages, concurrency, result });
        context.progress(`${scenario.label} ×${scale}: ${summarize(result)}`);
      }
    }
    const section = renderScenariosSection(context, measurements, {
      title: scenariosBenchmark.title,
      startedAt,
      loadAtStart,
      loadAtEnd: currentLoad(),
    });
    context.progress('done');
    return section;
  },

  async work(task) {
    return runScenarioWorker(task as unknown as ScenarioWorkerTask);
  },
};

function selectScenarios(only: string[]): Scenario[] {
  if (only.length === 0) return [...SCENARIOS];
  const unknown = only.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}`,
    );
  }
  return SCENARIOS.filter((scenario) => only.includes(scenario.id));
}

function summarize(result: ScenarioWorkerResult): string {
  const throughput = median(result.runs.map((run) => run.throughput));
  const handled = result.busCounts.succeeded;
  const expected = result.busCounts.published;
  const check = handled === expected ? `all ${formatInteger(handled)} handled` : `HANDLED ${handled} OF ${expected}`;
  return `median ${formatInteger(throughput)} msg/s, peak RSS ${Math.round(result.peakRssMb)} MB, ${check}`;
}
