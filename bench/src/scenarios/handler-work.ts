/** The work the original's handlers do, apart from decoding (which the bus does here). */

/** CPU Heavy's loop: `result += sqrt(i) * sin(i)` for i in 0...cycles. */
export function sqrtSineSum(cycles: number): number {
  let result = 0;
  for (let i = 0; i < cycles; i++) result += Math.sqrt(i) * Math.sin(i);
  return result;
}

/** Mixed Load's loop: the original's `process_mixed` sums `sqrt(i)` only, without the sine. */
export function sqrtSum(cycles: number): number {
  let result = 0;
  for (let i = 0; i < cycles; i++) result += Math.sqrt(i);
  return result;
}

/** The original's `sleep(seconds)`, without holding the thread: other handlers run meanwhile. */
export function sleepSeconds(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
