import { profiled } from '../harness/cpu-profile';
import { orderFactory } from '../shared/bench-order';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { LoadDriver } from '../redis/load-driver';
import { RunOutcome } from '../redis/load-run';
import { deleteKeysUnder } from '../redis/redis-keys';
import { SECURITY_CONTENDERS } from './security-contenders';
import { DrainResult, drainStream } from './subscriber-drain';
import { SecurityVariant } from './security-variant';
import { VerifyCostResult, measureVerifyCost } from './verify-cost';

/** One row's turn: a warm-up run, then the measured run at saturation, as the Redis benchmark's. */
export interface LoadTask {
  kind: 'load';
  contender: string;
  prefix: string;
  redisUrl: string;
  messages: number;
  payloadBytes: number;
  maxInFlight: number;
}

export interface LoadResult {
  warmup: RunOutcome;
  saturation: RunOutcome;
  peakRssMb: number;
}

export interface DrainTask {
  kind: 'drain';
  variant: SecurityVariant;
  prefix: string;
  redisUrl: string;
  messages: number;
  payloadBytes: number;
}

export interface VerifyTask {
  kind: 'verify';
  count: number;
  concurrencies: number[];
  workUs: number[];
  pinned: boolean;
}

export type SecurityTask = LoadTask | DrainTask | VerifyTask;

async function load(task: LoadTask): Promise<LoadResult> {
  const definition = SECURITY_CONTENDERS.find((candidate) => candidate.id === task.contender);
  if (!definition) throw new Error(`unknown contender ${task.contender}`);
  const contender = definition.create({ redisUrl: task.redisUrl, prefix: task.prefix });
  const driver = new LoadDriver(contender, orderFactory(task.payloadBytes, BenchOrderPlaced), task.maxInFlight);
  try {
    await contender.start(driver.onReceived);
    const warmup = await driver.saturate(task.messages);
    const saturation = await profiled(`security-${task.contender}-${process.pid}`, () =>
      driver.saturate(task.messages),
    );
    return { warmup, saturation, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await contender.stop().catch(() => undefined);
    if (definition.transport !== 'memory') await deleteKeysUnder(task.redisUrl, task.prefix);
  }
}

/** Runs in the worker process: one task in a process of its own. */
export async function runSecurityTask(task: SecurityTask): Promise<LoadResult | DrainResult | VerifyCostResult> {
  if (task.kind === 'load') return load(task);
  if (task.kind === 'drain') {
    try {
      return await drainStream(task.variant, task.redisUrl, task.prefix, task.messages, task.payloadBytes);
    } finally {
      await deleteKeysUnder(task.redisUrl, task.prefix);
    }
  }
  return measureVerifyCost(task.count, task.concurrencies, task.workUs, task.pinned);
}
