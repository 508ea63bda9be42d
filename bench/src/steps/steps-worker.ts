import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CPU_PROFILE_DIR_ENV } from '../harness/cpu-profile';
import { PROGRESS_LINE_PREFIX } from '../harness/worker-protocol';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { deleteKeysUnder } from '../redis/redis-keys';
import { orderFactory } from '../shared/bench-order';
import { measureJsonFloor } from './json-floor';
import { mainThreadCpuUs } from './main-thread-cpu';
import { orderHandler } from './order-handler';
import { captureCpuProfile } from './profile-capture';
import { attributeToSteps } from './step-attribution';
import { STEP_PATHS } from './step-paths';
import { StepId } from './step-table';
import { WindowedPublisher, WindowedRunOutcome } from './windowed-publisher';

/** One path in a process of its own: a warm-up run, a run without the profiler, then the profiled run. */
export interface StepsWorkerTask {
  path: string;
  messages: number;
  payloadBytes: number;
  maxInFlight: number;
  samplingIntervalUs: number;
  redisUrl: string;
  prefix: string;
}

export interface StepsWorkerResult {
  warmup: WindowedRunOutcome;
  /** The same run without the profiler: how much profiling slowed the profiled one. */
  unprofiled: WindowedRunOutcome;
  profiled: WindowedRunOutcome;
  /** The profiled run's sampled time per message, by step. */
  stepUsPerMessage: Record<StepId, number>;
  /** All sampled time per message, idle included. */
  totalUsPerMessage: number;
  /**
   * CPU time of the main thread over the profiled run, per message (null without /proc). The
   * profiler samples wall time: what the profile has beyond this was spent off the CPU.
   */
  mainThreadCpuUsPerMessage: number | null;
  samples: number;
  /** Leaf functions of the time no rule of the step table matched, per message. */
  unmatched: { frame: string; usPerMessage: number }[];
  /** One JSON.stringify + one JSON.parse of the order, µs, in this process. */
  floorUsPerMessage: number;
  peakRssMb: number;
}

export async function runStepsWorker(task: StepsWorkerTask): Promise<StepsWorkerResult> {
  const path = STEP_PATHS.find((candidate) => candidate.id === task.path);
  if (!path) throw new Error(`unknown path ${task.path}`);
  const makeOrder = orderFactory(task.payloadBytes, BenchOrderPlaced);
  const bus = path.createBus({ redisUrl: task.redisUrl, prefix: task.prefix });
  const publisher = new WindowedPublisher((order) => bus.publish(order), makeOrder, task.maxInFlight);
  try {
    await bus.subscribe(path.handlerType ?? BenchOrderPlaced, orderHandler(publisher.received));
    await bus.start();
    const warmup = await publisher.publishAll(task.messages);
    const unprofiled = await publisher.publishAll(task.messages);
    // Read inside the profiled span: starting and stopping the profiler takes the main thread a while too.
    let cpuAtStart: number | undefined;
    let cpuAtEnd: number | undefined;
    const { result: profiled, profile } = await captureCpuProfile(task.samplingIntervalUs, async () => {
      cpuAtStart = mainThreadCpuUs();
      const outcome = await publisher.publishAll(task.messages);
      cpuAtEnd = mainThreadCpuUs();
      return outcome;
    });
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const profileDir = process.env[CPU_PROFILE_DIR_ENV];
    if (profileDir) {
      const file = join(profileDir, `steps-${path.id}-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      process.stdout.write(`${PROGRESS_LINE_PREFIX}  CPU profile written to ${file}\n`);
    }
    const breakdown = attributeToSteps(profile);
    const perMessage = (us: number): number => us / task.messages;
    return {
      warmup,
      unprofiled,
      profiled,
      stepUsPerMessage: Object.fromEntries(
        Object.entries(breakdown.stepUs).map(([step, us]) => [step, perMessage(us)]),
      ) as Record<StepId, number>,
      totalUsPerMessage: perMessage(breakdown.totalUs),
      mainThreadCpuUsPerMessage:
        cpuAtStart === undefined || cpuAtEnd === undefined ? null : perMessage(cpuAtEnd - cpuAtStart),
      samples: breakdown.samples,
      unmatched: breakdown.unmatched.map(({ frame, us }) => ({ frame, usPerMessage: perMessage(us) })),
      floorUsPerMessage: measureJsonFloor(makeOrder, task.messages),
      peakRssMb,
    };
  } finally {
    await bus.shutdown(5000).catch(() => undefined);
    if (path.usesRedis) await deleteKeysUnder(task.redisUrl, task.prefix);
  }
}
