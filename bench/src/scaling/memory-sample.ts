/** Memory of this process at one moment, in MB. */
export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory of C++ objects bound to JavaScript ones, ArrayBuffers included (outside the heap). */
  externalMb: number;
}

const MB = 1024 * 1024;

export function memorySample(): MemorySample {
  const usage = process.memoryUsage();
  return {
    rssMb: usage.rss / MB,
    heapUsedMb: usage.heapUsed / MB,
    heapTotalMb: usage.heapTotal / MB,
    externalMb: usage.external / MB,
  };
}

/**
 * Full garbage collections until nothing more is freed, when the process runs with --expose-gc;
 * returns false (and collects nothing) otherwise. Turns of the event loop in between let
 * finalizers and weak callbacks run.
 */
export async function collectGarbage(): Promise<boolean> {
  const gc = globalThis.gc;
  if (!gc) return false;
  for (let pass = 0; pass < 3; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}
