/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable between processes on
 * one machine: consumers in different processes stamp their first and last consumption with it.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
