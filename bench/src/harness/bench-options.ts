/**
 * `--<broker>-url` of each broker a benchmark uses: the option, the environment variable read
 * without it, and the default. A new broker adds its line here (and to USAGE).
 */
export const BROKER_URL_OPTIONS = {
  '--redis-url': { name: 'redisUrl', env: 'REDIS_URL', fallback: 'redis://127.0.0.1:6379' },
  '--postgres-url': { name: 'postgresUrl', env: 'POSTGRES_URL', fallback: 'postgres://postgres@127.0.0.1:5432/test' },
  '--rabbitmq-url': { name: 'rabbitmqUrl', env: 'RABBITMQ_URL', fallback: 'amqp://guest:guest@127.0.0.1:5672' },
} as const;

/** Where the brokers are: `redisUrl`, `postgresUrl`, `rabbitmqUrl`, … */
export type BrokerUrls = Record<(typeof BROKER_URL_OPTIONS)[keyof typeof BROKER_URL_OPTIONS]['name'], string>;

/** The URLs alone, as plain JSON for a worker task. */
export function brokerUrlsOf(options: BrokerUrls): BrokerUrls {
  const urls = {} as BrokerUrls;
  for (const { name } of Object.values(BROKER_URL_OPTIONS)) urls[name] = options[name];
  return urls;
}

/** What the command line asks for; each benchmark reads the options that apply to it. */
export interface BenchOptions extends BrokerUrls {
  /** Benchmarks to run, by name; empty runs them all. */
  benchmarks: string[];
  /** Messages per measured run, when given; each benchmark has its own default. */
  messages?: number;
  /** Size of one message's JSON payload, in bytes. */
  payloadBytes: number;
  /** Measured runs per contender (each after a warm-up run). */
  runs: number;
  /** Messages published but not yet answered by the broker or not yet received by the handler, at most. */
  maxInFlight: number;
  /** Offered rate of the paced (fixed-rate) runs, messages per second, when given; each broker benchmark has its own default. */
  rate?: number;
  /** Messages per paced run, when given (default 2 s worth at the rate). */
  pacedMessages?: number;
  /** Contender ids to run; empty runs them all. */
  only: string[];
  /** Scale factors of the `scenarios` benchmark (its message counts times each), when given. */
  scales?: number[];
  /** Concurrency of the `scenarios` benchmark's CPU-bound handlers, when given. */
  cpuConcurrency?: number;
  /** Concurrency of the `scenarios` benchmark's sleeping handlers, when given. */
  ioConcurrency?: number;
  /** Write the results into docs/benchmarks.md (off with --no-write). */
  write: boolean;
  /** Folder for CPU profiles of the measured runs (`--cpu-prof`), when profiling. */
  cpuProfileDir?: string;
  /** µs of computation per message in the `scaling` benchmark's consumer handler, when given. */
  workUs?: number;
  /** Consumer process counts of the `scaling` benchmark, when given. */
  consumers?: number[];
  /** Messages the `scaling` benchmark's memory runs hold in flight, when given. */
  memorySizes?: number[];
}
