import { Benchmark } from './benchmark';

/** Every benchmark of `pnpm bench`, in the order it runs them, loaded only when selected. Add new ones here. */
export const BENCHMARKS: readonly { name: string; load(): Promise<Benchmark> }[] = [
  { name: 'scenarios', load: async () => (await import('../scenarios/scenarios.benchmark')).scenariosBenchmark },
  { name: 'in-process', load: async () => (await import('../in-process/in-process.benchmark')).inProcessBenchmark },
  { name: 'steps', load: async () => (await import('../steps/steps.benchmark')).stepsBenchmark },
  { name: 'redis', load: async () => (await import('../redis/redis.benchmark')).redisBenchmark },
  { name: 'postgres', load: async () => (await import('../postgres/postgres.benchmark')).postgresBenchmark },
  { name: 'brokers', load: async () => (await import('../brokers/brokers.benchmark')).brokersBenchmark },
  { name: 'security', load: async () => (await import('../security/security.benchmark')).securityBenchmark },
  { name: 'scaling', load: async () => (await import('../scaling/scaling.benchmark')).scalingBenchmark },
];

export async function loadBenchmark(name: string): Promise<Benchmark> {
  const entry = BENCHMARKS.find((benchmark) => benchmark.name === name);
  if (!entry) {
    throw new Error(`no benchmark named ${name}; known: ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}`);
  }
  return entry.load();
}
