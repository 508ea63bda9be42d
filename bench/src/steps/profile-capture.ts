import { Session } from 'node:inspector/promises';
import { CpuProfile } from '../harness/cpu-profile-reader';

/**
 * Runs `work` under V8's sampling CPU profiler, started right before it and stopped right after
 * it, so start-up and warm-up are not in the profile. A fine interval (the default is 1 ms)
 * gives the few-µs steps of a message enough samples.
 */
export async function captureCpuProfile<T>(
  samplingIntervalUs: number,
  work: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await session.post('Profiler.start');
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await session.post('Profiler.stop').catch(() => undefined);
      throw error;
    }
    const { profile } = await session.post('Profiler.stop');
    await session.post('Profiler.disable');
    return { result, profile: profile as CpuProfile };
  } finally {
    session.disconnect();
  }
}
