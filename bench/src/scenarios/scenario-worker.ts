import { DeadLetterQueue, MessageBus } from '@smart-message/nestjs';
import { profiled } from '../harness/cpu-profile';
import { PROGRESS_LINE_PREFIX } from '../harness/worker-protocol';
import { CompletionTracker } from './completion-tracker';
import { SCENARIO_HANDLER_ID, startScenarioApp } from './scenario-app';
import { defineScenarioMessage, ScenarioMessageType, ScenarioPayload } from './scenario-message';
import { findScenario, Scenario } from './scenarios';

/** A run in which no handler call ended for this long has lost the rest of its messages. */
const STALL_MS = 15_000;

/** One scenario at one message count: a warm-up run, then `runs` measured runs, in one process. */
export interface ScenarioWorkerTask {
  scenario: string;
  messages: number;
  runs: number;
  /** `@Subscribe({ concurrency })` of the scenario's handler. */
  concurrency: number;
}

/** One run, timed as the original times a scenario. */
export interface ScenarioRun {
  messages: number;
  published: number;
  publishErrors: number;
  /** Handler calls that ended well. */
  handled: number;
  /** Handler calls that failed, and messages that never reached the handler. */
  failed: number;
  /** The run stopped waiting because nothing ended for a while. */
  stalled: boolean;
  /** Before the messages are built → the end of the last handler call. */
  scenarioMs: number;
  /** The publish loop alone. */
  publishMs: number;
  /** handled ÷ scenario time, msg/s. */
  throughput: number;
  /** published ÷ publish time, msg/s. */
  publishRate: number;
  /** RSS after the run − RSS before it. */
  rssGrowthMb: number;
}

export interface ScenarioWorkerResult {
  warmup: ScenarioRun;
  runs: ScenarioRun[];
  /** The bus's own counters over every run, warm-up included: they should agree with the runs. */
  busCounts: { published: number; received: number; succeeded: number; failed: number; rejected: number };
  /** Entries in the (in-memory) dead letter queue at the end, by reason. */
  deadLetters: { total: number; byReason: Record<string, number> };
  /** The first publish error, if any publish failed. */
  firstPublishError?: string;
  /** RSS once the application had started, before the first run. */
  rssAtStartMb: number;
  /** Peak RSS of the worker process over all its runs. */
  peakRssMb: number;
  /** Sum of the handlers' computation results: evidence the CPU work ran. */
  computationSum: number;
}

function progress(line: string): void {
  process.stdout.write(`${PROGRESS_LINE_PREFIX}  ${line}\n`);
}

function megabytes(bytes: number): number {
  return bytes / 1024 ** 2;
}

/** Runs in the worker process: one scenario, one message count, a Nest application of its own. */
export async function runScenarioWorker(task: ScenarioWorkerTask): Promise<ScenarioWorkerResult> {
  const scenario = findScenario(task.scenario);
  const messageType = defineScenarioMessage(scenario.messageName);
  const tracker = new CompletionTracker(STALL_MS);
  const app = await startScenarioApp(scenario, messageType, task.concurrency, tracker);
  try {
    const bus = app.get(MessageBus);
    const rssAtStartMb = megabytes(process.memoryUsage.rss());
    const publishErrors: unknown[] = [];
    const runOnce = (): Promise<ScenarioRun> =>
      runScenario(bus, scenario, messageType, task.messages, tracker, publishErrors);

    const warmup = await runOnce();
    progress(`warm-up: ${describeRun(warmup)}`);
    const runs: ScenarioRun[] = [];
    for (let index = 0; index < task.runs; index++) {
      const label = `scenarios-${scenario.id}-${task.messages}-${index + 1}-${process.pid}`;
      const run = await profiled(label, runOnce);
      runs.push(run);
      progress(`run ${index + 1}/${task.runs}: ${describeRun(run)}`);
    }
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    // The bus counts a call after the handler's promise settles: let those counts land first.
    await new Promise((resolve) => setImmediate(resolve));
    const typeCounts = bus.statistics.forType(scenario.messageName);
    const handlerCounts = bus.statistics.forHandler(SCENARIO_HANDLER_ID);
    if (!handlerCounts)
      throw new Error(`the bus has no handler ${SCENARIO_HANDLER_ID}: ${JSON.stringify(bus.routes())}`);
    const deadLetterStats = await app.get(DeadLetterQueue).stats();
    const firstError = publishErrors[0];
    return {
      warmup,
      runs,
      busCounts: {
        published: typeCounts.published,
        received: typeCounts.received,
        succeeded: handlerCounts.succeeded,
        failed: handlerCounts.failed,
        rejected: handlerCounts.rejected,
      },
      deadLetters: { total: deadLetterStats.total, byReason: { ...deadLetterStats.byReason } },
      ...(firstError === undefined ? {} : { firstPublishError: String(firstError) }),
      rssAtStartMb,
      peakRssMb,
      computationSum: tracker.computationSum,
    };
  } finally {
    await app.close();
  }
}

/**
 * The original's `run_scenario`: build every message, publish them one by one, then wait for
 * the handler to have ended on each published one. Time runs from before the messages are built.
 */
async function runScenario(
  bus: MessageBus,
  scenario: Scenario,
  messageType: ScenarioMessageType,
  count: number,
  tracker: CompletionTracker,
  publishErrors: unknown[],
): Promise<ScenarioRun> {
  tracker.reset();
  const rssBefore = process.memoryUsage.rss();
  const startedAt = performance.now();
  const messages = buildMessages(scenario, messageType, count);
  const publishStartedAt = performance.now();
  let errors = 0;
  for (const message of messages) {
    try {
      await bus.publish(message);
    } catch (error) {
      errors++;
      publishErrors.push(error);
    }
  }
  const publishEndedAt = performance.now();
  const published = count - errors;
  const completion = await tracker.until(published);
  const endedAt = Number.isNaN(completion.lastEndedAt)
    ? publishEndedAt
    : Math.max(publishEndedAt, completion.lastEndedAt);
  const rssAfter = process.memoryUsage.rss();
  const scenarioMs = endedAt - startedAt;
  const publishMs = publishEndedAt - publishStartedAt;
  return {
    messages: count,
    published,
    publishErrors: errors,
    handled: completion.handled,
    failed: completion.failed,
    stalled: completion.stalled,
    scenarioMs,
    publishMs,
    throughput: (completion.handled / scenarioMs) * 1000,
    publishRate: (published / publishMs) * 1000,
    rssGrowthMb: megabytes(rssAfter - rssBefore),
  };
}

/** The original's `generate_messages`: the scenario's settings in every message, `timestamp` = now in seconds. */
function buildMessages(scenario: Scenario, messageType: ScenarioMessageType, count: number): ScenarioPayload[] {
  const messages: ScenarioPayload[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const message = new messageType();
    message.scenario_id = scenario.id;
    message.message_id = `${scenario.id}_${index}`;
    message.timestamp = Date.now() / 1000;
    if (scenario.computationCycles !== undefined) message.computation_cycles = scenario.computationCycles;
    if (scenario.sleepDuration !== undefined) message.sleep_duration = scenario.sleepDuration;
    messages[index] = message;
  }
  return messages;
}

function describeRun(run: ScenarioRun): string {
  const shortfall = run.handled < run.messages ? `, handled only ${run.handled}/${run.messages}` : '';
  return (
    `${Math.round(run.throughput)} msg/s (${run.scenarioMs.toFixed(1)} ms), publish ${Math.round(run.publishRate)} msg/s, ` +
    `RSS +${run.rssGrowthMb.toFixed(1)} MB${shortfall}${run.stalled ? ', STALLED' : ''}`
  );
}
