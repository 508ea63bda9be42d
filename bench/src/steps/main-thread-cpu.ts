import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every common build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) the main JavaScript thread has used, in µs, or undefined where
 * /proc is not there. Unlike `process.cpuUsage()` it leaves out the profiler's sampling thread
 * and V8's GC helper threads, so it compares with the profile: time the profile has and this
 * has not was spent off the CPU (waiting for Redis, or for a core). Resolution: 10 ms.
 */
export function mainThreadCpuUs(): number | undefined {
  try {
    // The main thread's id is the process id; the command name (field 2) may hold spaces, so split after it.
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of the whole line are 12 and 13 after the command name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000_000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
