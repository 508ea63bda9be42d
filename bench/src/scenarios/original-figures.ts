/**
 * What the original's benchmark (examples/performance_metrics/performance_benchmark.rb) measured,
 * from /work/shared/reference/original-benchmark.md. Throughput in msg/s, the original's counts.
 */

/** The figures to compare against: 2 cores, Debian 12, Ruby 3.1.2, handlers' work restored, medians of 3 runs (±30 %). */
export const ORIGINAL_ON_TWO_CORES = {
  label: '2 cores, Debian 12, Ruby 3.1.2, thread pool, medians of 3 runs (±30 % run to run)',
  throughput: { cpu_light: 831, cpu_heavy: 351, io_light: 523, io_heavy: 548, mixed: 456 },
  totalSeconds: 6.16,
  memoryMb: 21,
} as const;

/**
 * The published figures: Ruby 3.4 on a 12-core laptop, thread pool. In that run every handler failed
 * straight into the dead letter queue (they took two arguments, the dispatcher passed one), so no
 * CPU or sleep work ran.
 */
export const ORIGINAL_PUBLISHED = {
  label: 'published: Ruby 3.4, 12-core laptop, thread pool; handlers failed at once, no work ran',
  throughput: { cpu_light: 2616, cpu_heavy: 846, io_light: 2811, io_heavy: 1415, mixed: 1457 },
  overall: 1695,
  totalSeconds: 1.83,
  memoryMb: 83.3,
} as const;

/** The published Ractor variant, overall only. */
export const ORIGINAL_PUBLISHED_RACTOR = { overall: 743, memoryMb: 21.0 } as const;

export type OriginalScenarioId = keyof typeof ORIGINAL_ON_TWO_CORES.throughput;

/** What we aim at: this many times the original's throughput on the same kind of machine. */
export const AIM_RATIO = 20;
