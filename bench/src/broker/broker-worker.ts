import { profiled } from '../harness/cpu-profile';
import { orderFactory } from '../shared/bench-order';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { LoadDriver } from '../redis/load-driver';
import { RunOutcome } from '../redis/load-run';
import { BrokerUrls } from '../harness/bench-options';
import { BrokerSuite } from './broker-suite';

/** One contender's turn: a warm-up run, then one measured run at saturation and one paced run. */
export interface BrokerWorkerTask {
  contender: string;
  prefix: string;
  urls: BrokerUrls;
  messages: number;
  payloadBytes: number;
  maxInFlight: number;
  rate: number;
  pacedMessages: number;
}

export interface BrokerWorkerResult {
  warmup: RunOutcome;
  saturation: RunOutcome;
  paced: RunOutcome & { offeredRate: number };
  /** Peak resident set size of the worker process up to the end of the saturation run. */
  peakRssMb: number;
}

/** Runs in the worker process, one contender in a process of its own. */
export async function runBrokerWorker(suite: BrokerSuite, task: BrokerWorkerTask): Promise<BrokerWorkerResult> {
  const definition = suite.contenders.find((candidate) => candidate.id === task.contender);
  if (!definition) throw new Error(`unknown contender ${task.contender}`);
  const contender = definition.create({ ...task.urls, prefix: task.prefix });
  const driver = new LoadDriver(contender, orderFactory(task.payloadBytes, BenchOrderPlaced), task.maxInFlight);
  try {
    await contender.start(driver.onReceived);
    const warmup = await driver.saturate(task.messages);
    const saturation = await profiled(`${suite.name}-${task.contender}-${process.pid}`, () =>
      driver.saturate(task.messages),
    );
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const paced = await driver.pace(task.pacedMessages, task.rate);
    return { warmup, saturation, paced, peakRssMb };
  } finally {
    await contender.stop().catch(() => undefined);
    await suite.cleanup(task.urls, task.prefix, [definition]);
  }
}
