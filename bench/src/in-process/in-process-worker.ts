import { profiled } from '../harness/cpu-profile';
import { IN_PROCESS_CONTENDERS } from './contenders';
import { DispatchDriver } from './dispatch-driver';
import { DispatchOutcome } from './dispatch-run';
import { orderFactory } from '../shared/bench-order';

/** One contender's turn in a fresh process: a warm-up run, then one measured run. */
export interface InProcessWorkerTask {
  contender: string;
  messages: number;
  payloadBytes: number;
  maxInFlight: number;
}

export interface InProcessWorkerResult {
  warmup: DispatchOutcome;
  measured: DispatchOutcome;
  /** Peak resident set size of the worker process up to the end of the measured run. */
  peakRssMb: number;
}

/** Runs in the worker process, one contender in a process of its own. */
export async function runInProcessWorker(task: InProcessWorkerTask): Promise<InProcessWorkerResult> {
  const definition = IN_PROCESS_CONTENDERS.find((candidate) => candidate.id === task.contender);
  if (!definition) throw new Error(`unknown contender ${task.contender}`);
  const contender = await definition.create();
  const driver = new DispatchDriver(contender, orderFactory(task.payloadBytes, contender.orderType), task.maxInFlight);
  try {
    await contender.start(driver.onHandled);
    const warmup = await driver.run(task.messages);
    const measured = await profiled(`in-process-${task.contender}-${process.pid}`, () => driver.run(task.messages));
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    return { warmup, measured, peakRssMb };
  } finally {
    await contender.stop().catch(() => undefined);
  }
}
