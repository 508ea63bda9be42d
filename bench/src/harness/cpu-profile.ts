import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Set by the main process (`--cpu-prof`): the folder worker processes write their profiles to. */
export const CPU_PROFILE_DIR_ENV = 'BENCH_CPU_PROFILE_DIR';

/**
 * Runs `work`, and when profiling was asked for, records a CPU profile of exactly that span
 * (not start-up or warm-up) into `<dir>/<label>.cpuprofile`, for Chrome DevTools or
 * src/tools/profile-summary.ts.
 */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env[CPU_PROFILE_DIR_ENV];
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const path = join(dir, `${label.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
    process.stdout.write(`@@bench-progress   CPU profile written to ${path}\n`);
  }
}
