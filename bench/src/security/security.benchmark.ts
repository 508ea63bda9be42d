import { randomBytes } from 'node:crypto';
import { Benchmark } from '../harness/benchmark';
import { currentLoad } from '../harness/machine';
import { formatInteger, formatMs } from '../harness/markdown-table';
import { median } from '../harness/stats';
import { deleteKeysUnder, redisVersion } from '../redis/redis-keys';
import { SECURITY_CONTENDERS, SecurityContenderDefinition } from './security-contenders';
import { SecurityResults, renderSecuritySection } from './security-section';
import { SECURITY_VARIANTS } from './security-variant';
import { DrainResult } from './subscriber-drain';
import { DrainTask, LoadResult, LoadTask, SecurityTask, VerifyTask, runSecurityTask } from './security-worker';
import { VerifyCostResult } from './verify-cost';

export const SECURITY_DEFAULTS = {
  messages: 10_000,
  drainMessages: 20_000,
  verifyCount: 10_000,
  concurrencies: [1, 4, 16, 64],
  workUs: [0, 20],
} as const;

/** `--only` parts besides contender ids. */
const PARTS = ['drain', 'verify'] as const;

export const securityBenchmark: Benchmark = {
  name: 'security',
  title: 'Security: signed and encrypted messages',

  async run(context) {
    const { options } = context;
    const messages = options.messages ?? SECURITY_DEFAULTS.messages;
    const only = options.only;
    const known = [...SECURITY_CONTENDERS.map((contender) => contender.id), ...PARTS];
    const unknown = only.filter((id) => !known.includes(id));
    if (unknown.length > 0) throw new Error(`unknown contender(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
    const selected = (part: string): boolean => only.length === 0 || only.includes(part);
    const contenders: SecurityContenderDefinition[] = SECURITY_CONTENDERS.filter((contender) => selected(contender.id));

    const startedAt = new Date();
    const version = await redisVersion(options.redisUrl);
    const loadAtStart = currentLoad();
    const runId = `bench:${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
    const results: SecurityResults = {
      load: new Map(contenders.map((contender) => [contender.id, []])),
      drain: new Map(),
      verify: [],
    };
    const work = async <T>(task: SecurityTask): Promise<T> => (await context.runWorker({ ...task })) as T;
    try {
      for (let run = 0; run < options.runs; run++) {
        const order = contenders.map((_, index) => contenders[(index + run) % contenders.length]!);
        for (const contender of order) {
          const task: LoadTask = {
            kind: 'load',
            contender: contender.id,
            prefix: `${runId}:${contender.id}:${run}:`,
            redisUrl: options.redisUrl,
            messages,
            payloadBytes: options.payloadBytes,
            maxInFlight: options.maxInFlight,
          };
          const result = await work<LoadResult>(task);
          results.load.get(contender.id)!.push(result);
          const { saturation } = result;
          context.progress(
            `run ${run + 1}/${options.runs} ${contender.id}: ${formatInteger(saturation.throughput)} msg/s, ` +
              `CPU ${formatInteger(saturation.cpuUsPerMessage)} µs/msg, p50 ${formatMs(saturation.p50Ms)} ms` +
              (saturation.lost > 0 ? `, LOST ${saturation.lost}` : ''),
          );
        }
        if (selected('drain')) {
          for (const variant of SECURITY_VARIANTS) {
            const task: DrainTask = {
              kind: 'drain',
              variant,
              prefix: `${runId}:drain-${variant}:${run}:`,
              redisUrl: options.redisUrl,
              messages: SECURITY_DEFAULTS.drainMessages,
              payloadBytes: options.payloadBytes,
            };
            const result = await work<DrainResult>(task);
            results.drain.set(variant, [...(results.drain.get(variant) ?? []), result]);
            context.progress(
              `run ${run + 1}/${options.runs} drain ${variant}: ${formatInteger(result.perSecond)} msg/s, ` +
                `CPU ${formatMs(result.cpuUs)} µs/msg → ${formatInteger(result.perCore)} msg/s per core`,
            );
          }
        }
        if (selected('verify')) {
          for (const pinned of [false, true]) {
            const task: VerifyTask = {
              kind: 'verify',
              count: SECURITY_DEFAULTS.verifyCount,
              concurrencies: [...SECURITY_DEFAULTS.concurrencies],
              workUs: [...SECURITY_DEFAULTS.workUs],
              pinned,
            };
            const result = await work<VerifyCostResult>(task);
            results.verify.push(result);
            context.progress(
              `run ${run + 1}/${options.runs} verify${pinned ? ' (one core)' : ''}: sign ${formatMs(result.signUs)} µs, ` +
                `verify ${formatMs(result.verifyUs)} µs CPU; ` +
                result.runs
                  .map(
                    (r) =>
                      `${r.mode}${r.mode === 'async' ? `×${r.concurrency}` : ''}+${r.workUs}µs ${formatInteger(r.perSecond)}/s`,
                  )
                  .join(', '),
            );
          }
        }
      }
    } finally {
      await deleteKeysUnder(options.redisUrl, `${runId}:`).catch(() => undefined);
    }
    context.progress(`median verify ${formatMs(median(results.verify.map((result) => result.verifyUs)))} µs CPU; done`);
    return renderSecuritySection(context, contenders, results, {
      startedAt,
      redisVersion: version,
      loadAtStart,
      loadAtEnd: currentLoad(),
    });
  },

  async work(task) {
    return runSecurityTask(task as unknown as SecurityTask);
  },
};
