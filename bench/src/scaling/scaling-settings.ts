import { BenchOptions } from '../harness/bench-options';

/** Jobs per throughput round of the computing handler, unless `--messages` says otherwise. */
const DEFAULT_MESSAGES_PER_ROUND = 20_000;
const DEFAULT_WORK_US = 200;
const DEFAULT_CONSUMERS = [1, 2, 4];
const DEFAULT_MEMORY_SIZES = [10_000, 100_000, 1_000_000];
/**
 * Rounds of the do-nothing handler have this many times `--messages` jobs: it handles them so fast
 * that rounds of the computing handler's size would last a fraction of a second, too short to time.
 */
export const IDLE_HANDLER_ROUND_FACTOR = 3;
/** Publish → release → drain cycles per in-memory size, in one process. */
export const IN_MEMORY_CYCLES = 2;

/** What the scaling benchmark does, from the command line and its own defaults. */
export interface ScalingSettings {
  /** Jobs per round of the computing handler (the do-nothing handler's: see jobsPerRound). */
  messagesPerRound: number;
  runs: number;
  /** Handler costs of the throughput tables, µs of computation per job: the chosen one, then none. */
  workUs: number[];
  consumers: number[];
  /** Jobs in flight in the in-memory runs, and waiting in the stream in the Streams runs. */
  memorySizes: number[];
  payloadBytes: number;
  maxInFlight: number;
  redisUrl: string;
}

export function scalingSettings(options: BenchOptions): ScalingSettings {
  const workUs = options.workUs ?? DEFAULT_WORK_US;
  return {
    messagesPerRound: options.messages ?? DEFAULT_MESSAGES_PER_ROUND,
    runs: options.runs,
    workUs: workUs > 0 ? [workUs, 0] : [0],
    consumers: options.consumers ?? DEFAULT_CONSUMERS,
    memorySizes: options.memorySizes ?? DEFAULT_MEMORY_SIZES,
    payloadBytes: options.payloadBytes,
    maxInFlight: options.maxInFlight,
    redisUrl: options.redisUrl,
  };
}

/** Jobs per throughput round for a handler that computes `workUs` per job. */
export function jobsPerRound(settings: ScalingSettings, workUs: number): number {
  return workUs > 0 ? settings.messagesPerRound : settings.messagesPerRound * IDLE_HANDLER_ROUND_FACTOR;
}
