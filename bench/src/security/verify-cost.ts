import { execFileSync } from 'node:child_process';
import { KeyObject, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FixedWork } from '../scaling/fixed-work';

/** Bytes an Ed25519 signature covers per message: the canonical header and the payload's SHA-256 (about this long for the order). */
const SIGNED_BYTES = 320;
/** Distinct signed messages the loops cycle through, so nothing is a cache hit. */
const DISTINCT = 1024;

/** One way of verifying `count` messages: its rate, CPU and how busy it kept the main thread. */
export interface VerifyRun {
  /** `sync`, or `async` with this many verifications in flight. */
  mode: string;
  concurrency: number;
  /** Main-thread work per message besides the verification, in µs (0: verification only). */
  workUs: number;
  count: number;
  perSecond: number;
  /** Wall time per message. */
  wallUs: number;
  /** CPU time of the whole process (main thread and libuv threadpool) per message. */
  cpuUs: number;
  /** Share of the run the main thread's event loop was busy (0–1): what is left for other work is the rest. */
  mainThreadBusy: number;
}

export interface VerifyCostResult {
  /** The process ran on one core only (`taskset`): the pool's threads could not use another. */
  pinned: boolean;
  /** CPU µs to sign one message (one thread: what it costs wherever it runs). */
  signUs: number;
  /** CPU µs to verify one message synchronously. */
  verifyUs: number;
  /** Wall µs per synchronous verification: above `verifyUs` when other processes took the core. */
  verifyWallUs: number;
  runs: VerifyRun[];
  threadpoolSize: number;
}

interface Sample {
  data: Buffer;
  signature: Buffer;
}

function samples(privateKey: KeyObject): Sample[] {
  return Array.from({ length: DISTINCT }, () => {
    const data = randomBytes(SIGNED_BYTES);
    return { data, signature: sign(null, data, privateKey) };
  });
}

function measure(mode: string, concurrency: number, workUs: number, count: number, body: () => Promise<void>) {
  return async (): Promise<VerifyRun> => {
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await body();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return {
      mode,
      concurrency,
      workUs,
      count,
      perSecond: (count / wallMs) * 1000,
      wallUs: (wallMs * 1000) / count,
      cpuUs: (used.user + used.system) / count,
      mainThreadBusy: performance.eventLoopUtilization(elu).utilization,
    };
  };
}

/** Verifies every message in turn on the main thread (what SignatureVerifier does today). */
function syncRun(key: KeyObject, set: Sample[], count: number, work: FixedWork): Promise<void> {
  for (let index = 0; index < count; index++) {
    work.run();
    const { data, signature } = set[index % DISTINCT]!;
    if (!verify(null, data, key, signature)) throw new Error('a valid signature did not verify');
  }
  return Promise.resolve();
}

/**
 * Keeps `concurrency` verifications in flight with the callback form, which runs on the libuv
 * threadpool; the main thread does the per-message work and starts the next one.
 */
function asyncRun(key: KeyObject, set: Sample[], count: number, concurrency: number, work: FixedWork): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let done = 0;
    const next = (): void => {
      if (started >= count) return;
      const { data, signature } = set[started++ % DISTINCT]!;
      work.run();
      verify(null, data, key, signature, (error, valid) => {
        if (error || !valid) return reject(error ?? new Error('a valid signature did not verify'));
        if (++done === count) return resolve();
        next();
      });
    };
    for (let slot = 0; slot < Math.min(concurrency, count); slot++) next();
  });
}

/**
 * Ed25519 cost on this machine: µs to sign and to verify one message, and verification as a
 * subscriber would run it, synchronously and on the threadpool at several concurrencies, with no
 * other work and with `workUs` of main-thread work per message beside it; with `pinned`, on one core.
 */
export async function measureVerifyCost(
  count: number,
  concurrencies: number[],
  workUs: number[],
  pinned: boolean,
): Promise<VerifyCostResult> {
  if (pinned) pinToOneCore();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const set = samples(privateKey);
  const warm = FixedWork.calibrate(0);
  // Warm-up of both forms, so JIT and the threadpool's threads exist before anything is timed.
  await syncRun(publicKey, set, 2000, warm);
  await asyncRun(publicKey, set, 2000, 16, warm);

  const signCpu = process.cpuUsage();
  for (let index = 0; index < 2000; index++) sign(null, set[index % DISTINCT]!.data, privateKey);
  const signUsed = process.cpuUsage(signCpu);
  const signUs = (signUsed.user + signUsed.system) / 2000;

  const runs: VerifyRun[] = [];
  for (const us of workUs) {
    const work = FixedWork.calibrate(us);
    runs.push(await measure('sync', 1, us, count, () => syncRun(publicKey, set, count, work))());
    for (const concurrency of concurrencies)
      runs.push(
        await measure('async', concurrency, us, count, () => asyncRun(publicKey, set, count, concurrency, work))(),
      );
  }
  const verifyOnly = runs.find((run) => run.mode === 'sync' && run.workUs === 0);
  return {
    pinned,
    signUs,
    verifyUs: verifyOnly?.cpuUs ?? Number.NaN,
    verifyWallUs: verifyOnly?.wallUs ?? Number.NaN,
    runs,
    threadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  };
}

/**
 * Moves every thread of this process to core 0 (`taskset -a`); threads started later (the libuv
 * pool starts on first use) inherit it. With one core, the threadpool can overlap nothing: what is
 * left of its gain is what it does per core.
 */
function pinToOneCore(): void {
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}
