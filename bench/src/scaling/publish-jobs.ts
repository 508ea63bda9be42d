import { MessageBus } from '@smart-message/nestjs';
import { ScalingJob } from './scaling-job.message';

/**
 * Publishes jobs 0…count−1 of `round` through the bus, with at most `maxInFlight` publishes
 * waiting for Redis at once; resolves with the time it took, in ms, once Redis took all of them.
 */
export async function publishJobs(
  bus: MessageBus,
  makeJob: (round: number, seq: number) => ScalingJob,
  round: number,
  count: number,
  maxInFlight: number,
): Promise<number> {
  const startedAt = performance.now();
  let inFlight = 0;
  let failure: unknown;
  let room: (() => void) | undefined;
  const settled = (): void => {
    inFlight--;
    const wake = room;
    room = undefined;
    wake?.();
  };
  for (let seq = 0; seq < count && failure === undefined; seq++) {
    if (inFlight >= maxInFlight) await new Promise<void>((resolve) => (room = resolve));
    inFlight++;
    bus.publish(makeJob(round, seq)).then(settled, (error: unknown) => {
      failure ??= error;
      settled();
    });
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (room = resolve));
  if (failure !== undefined) throw failure;
  return performance.now() - startedAt;
}
