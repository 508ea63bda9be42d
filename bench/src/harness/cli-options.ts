import { resolve } from 'node:path';
import { BenchOptions, BROKER_URL_OPTIONS, BrokerUrls } from './bench-options';

export const USAGE = `Usage: pnpm bench [name ...] [options]

  name                 benchmark(s) to run (default: all)
  --messages N         messages per measured run (default: each benchmark's own, see bench/README.md)
  --payload BYTES      size of one message's JSON payload (default 1024)
  --runs N             measured runs per contender, each after a warm-up (default 5)
  --max-in-flight N    unanswered or unreceived messages at most (default 1000)
  --rate N             offered rate of the paced runs, msg/s (default: each benchmark's own, 5000 for redis)
  --paced-messages N   messages per paced run (default: 2 s worth at --rate)
  --only ID[,ID]       run only these contenders or scenarios (ids are listed in bench/README.md)
  --scales F[,F]       scenarios: scale factors of the message counts (default 1,10,100)
  --cpu-concurrency N  scenarios: concurrency of the CPU-bound handlers (default 1)
  --io-concurrency N   scenarios: concurrency of the sleeping handlers (default: one per message)
  --redis-url URL      Redis to use (default $REDIS_URL or redis://127.0.0.1:6379)
  --postgres-url URL   PostgreSQL to use (default $POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test)
  --rabbitmq-url URL   RabbitMQ to use (default $RABBITMQ_URL or amqp://guest:guest@127.0.0.1:5672)
  --no-write           print the results only; leave docs/benchmarks.md alone
  --cpu-prof           write a CPU profile of each measured run (to bench/profiles)
  --cpu-prof-dir DIR   ... to DIR instead
  --work-us N          scaling: µs of computation per message in the consumers' handler (default 200)
  --consumers N[,N]    scaling: consumer process counts (default 1,2,4)
  --memory-sizes N[,N] scaling: messages held in flight by the memory runs (default 10000,100000,1000000)
  --help               this text`;

const INTEGER_OPTIONS = {
  '--messages': 'messages',
  '--payload': 'payloadBytes',
  '--runs': 'runs',
  '--max-in-flight': 'maxInFlight',
  '--rate': 'rate',
  '--paced-messages': 'pacedMessages',
  '--cpu-concurrency': 'cpuConcurrency',
  '--io-concurrency': 'ioConcurrency',
} as const;

export class UsageError extends Error {}

/** Reads `pnpm bench` arguments; throws UsageError on anything it does not know. */
export function parseCliOptions(argv: string[], benchRoot: string): BenchOptions {
  const options: BenchOptions = {
    benchmarks: [],
    payloadBytes: 1024,
    runs: 5,
    maxInFlight: 1000,
    only: [],
    ...defaultUrls(),
    write: true,
  };
  const args = argv.flatMap((arg) => (arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg]));
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const next = (): string => {
      const value = args[++index];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      return value;
    };
    if (arg === '--') continue;
    if (arg in INTEGER_OPTIONS) {
      options[INTEGER_OPTIONS[arg as keyof typeof INTEGER_OPTIONS]] = positiveInteger(arg, next());
    } else if (arg === '--only') {
      options.only = next()
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
    } else if (arg === '--scales') {
      options.scales = next()
        .split(',')
        .map((factor) => positiveNumber(arg, factor.trim()));
    } else if (arg in BROKER_URL_OPTIONS) {
      options[BROKER_URL_OPTIONS[arg as keyof typeof BROKER_URL_OPTIONS].name] = next();
    } else if (arg === '--no-write') {
      options.write = false;
    } else if (arg === '--cpu-prof') {
      options.cpuProfileDir ??= resolve(benchRoot, 'profiles');
    } else if (arg === '--cpu-prof-dir') {
      options.cpuProfileDir = resolve(next());
    } else if (arg === '--work-us') {
      options.workUs = nonNegativeInteger(arg, next());
    } else if (arg === '--consumers' || arg === '--memory-sizes') {
      const counts = next()
        .split(',')
        .map((count) => positiveInteger(arg, count.trim()));
      if (arg === '--consumers') options.consumers = counts;
      else options.memorySizes = counts;
    } else if (arg === '--help' || arg === '-h') {
      throw new UsageError(USAGE);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}\n\n${USAGE}`);
    } else {
      options.benchmarks.push(arg);
    }
  }
  return options;
}

function defaultUrls(): BrokerUrls {
  const urls = {} as BrokerUrls;
  for (const { name, env, fallback } of Object.values(BROKER_URL_OPTIONS)) urls[name] = process.env[env] ?? fallback;
  return urls;
}

function positiveNumber(option: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${option} takes positive numbers, got ${value}`);
  return number;
}

function positiveInteger(option: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${option} takes a positive integer, got ${value}`);
  return number;
}

function nonNegativeInteger(option: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${option} takes an integer ≥ 0, got ${value}`);
  return number;
}
