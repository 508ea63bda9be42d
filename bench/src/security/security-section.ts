import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger, formatMs, formatRatio, markdownTable } from '../harness/markdown-table';
import { MeasurementFacts, measuredOn } from '../harness/measured-on';
import { median, spread } from '../harness/stats';
import { SecurityContenderDefinition, SecurityTransport, TRANSPORT_LABELS } from './security-contenders';
import { SECURITY_VARIANTS, SecurityVariant, VARIANT_LABELS } from './security-variant';
import { DrainResult } from './subscriber-drain';
import { LoadResult } from './security-worker';
import { VerifyCostResult, VerifyRun } from './verify-cost';

export interface SecurityResults {
  load: Map<string, LoadResult[]>;
  drain: Map<SecurityVariant, DrainResult[]>;
  verify: VerifyCostResult[];
}

/** A gain counts only at this ratio or more: throughput over sync, or sync CPU per message over the pool's. */
const CLEAR_WIN = 1.2;

const formatUs = (value: number): string => (Number.isFinite(value) ? formatMs(value) : '–');

function loadTables(contenders: SecurityContenderDefinition[], results: SecurityResults): string[] {
  const throughput = (id: string): number =>
    median((results.load.get(id) ?? []).map((run) => run.saturation.throughput));
  const cpu = (id: string): number => median((results.load.get(id) ?? []).map((run) => run.saturation.cpuUsPerMessage));
  const transports = [...new Set(contenders.map((contender) => contender.transport))];
  return transports.flatMap((transport: SecurityTransport) => {
    const rows = contenders.filter((contender) => contender.transport === transport);
    const plain = rows.find((row) => row.variant === 'plain')?.id;
    const raw = rows.find((row) => row.variant === 'raw')?.id;
    const table = rows.map((row) => {
      const runs = results.load.get(row.id)!;
      const rate = spread(runs.map((run) => run.saturation.throughput));
      const lost = runs.reduce((sum, run) => sum + run.saturation.lost, 0);
      return [
        `${row.label}${lost > 0 ? ` (LOST ${lost})` : ''}`,
        formatInteger(rate.median),
        formatInteger(rate.min),
        formatInteger(rate.max),
        formatMs(median(runs.map((run) => run.saturation.p50Ms))),
        formatMs(median(runs.map((run) => run.saturation.p99Ms))),
        formatInteger(cpu(row.id)),
        plain && row.variant !== 'raw'
          ? `${cpu(row.id) - cpu(plain) >= 0 ? '+' : ''}${formatInteger(cpu(row.id) - cpu(plain))}`
          : '',
        plain && row.variant !== 'raw' ? formatRatio(rate.median / throughput(plain)) : '',
        ...(raw ? [formatRatio(rate.median / throughput(raw))] : []),
      ];
    });
    return [
      `### ${TRANSPORT_LABELS[transport]}: publish → handler at saturation`,
      '',
      markdownTable(
        [
          'row',
          'median msg/s',
          'min',
          'max',
          'p50 ms',
          'p99 ms',
          'CPU µs/msg',
          'CPU vs plain',
          '× plain',
          ...(raw ? [`× ${raw}`] : []),
        ],
        table,
      ),
      '',
    ];
  });
}

function drainTable(results: SecurityResults): string[] {
  if (results.drain.size === 0) return [];
  const plainCpu = median((results.drain.get('plain') ?? []).map((run) => run.cpuUs));
  const rows = SECURITY_VARIANTS.filter((variant) => results.drain.has(variant)).map((variant) => {
    const runs = results.drain.get(variant)!;
    const rate = spread(runs.map((run) => run.perSecond));
    const cpu = median(runs.map((run) => run.cpuUs));
    return [
      VARIANT_LABELS[variant],
      formatInteger(rate.median),
      formatInteger(rate.min),
      formatInteger(rate.max),
      formatUs(cpu),
      formatInteger(1_000_000 / cpu),
      formatRatio(plainCpu / cpu),
      formatInteger(runs.reduce((sum, run) => sum + run.refused, 0)),
    ];
  });
  const messages = results.drain.values().next().value?.[0]?.messages ?? 0;
  return [
    '### One subscriber: what it sustains per core (Redis Streams backlog)',
    '',
    `A publisher fills a stream with ${formatInteger(messages)} orders of the row (then shuts down); a subscriber-only ` +
      "bus in the same process then works the whole backlog off (`startFrom: '0'`, batch 100, handler concurrency 100, " +
      'validation on): read, verify, decrypt, decode, validate, handle, acknowledge. Its CPU per message (user + system ' +
      'of the process while it drains, the idle publisher included) is what a subscriber pays; 1 s of CPU ÷ that is what ' +
      'one subscriber sustains per core when it has the core to itself. `× plain` is the per-core rate ÷ the plain one.',
    '',
    markdownTable(
      ['row', 'drain msg/s', 'min', 'max', 'subscriber CPU µs/msg', 'msg/s per core', '× plain', 'refused'],
      rows,
    ),
    '',
  ];
}

interface VerifyGroup {
  pinned: boolean;
  workUs: number;
  mode: string;
  concurrency: number;
  runs: VerifyRun[];
}

function verifyGroups(results: SecurityResults): VerifyGroup[] {
  const groups = new Map<string, VerifyGroup>();
  for (const result of results.verify)
    for (const run of result.runs) {
      const key = `${result.pinned}:${run.workUs}:${run.mode}:${run.concurrency}`;
      const group = groups.get(key) ?? { pinned: result.pinned, ...run, runs: [] };
      group.runs.push(run);
      groups.set(key, group);
    }
  return [...groups.values()];
}

const rate = (runs: VerifyRun[]): number => median(runs.map((run) => run.perSecond));
const cpuOf = (runs: VerifyRun[]): number => median(runs.map((run) => run.cpuUs));

/** Per core count and main-thread work: the best threadpool row against the synchronous one. */
function bestAsync(groups: VerifyGroup[], pinned: boolean) {
  const mine = groups.filter((group) => group.pinned === pinned);
  return [...new Set(mine.map((group) => group.workUs))].map((workUs) => {
    const sync = mine.find((group) => group.workUs === workUs && group.mode === 'sync')!;
    const pool = mine.filter((group) => group.workUs === workUs && group.mode === 'async');
    const top = pool.reduce((a, b) => (rate(b.runs) > rate(a.runs) ? b : a), pool[0]!);
    return {
      workUs,
      ratio: rate(top.runs) / rate(sync.runs),
      cpuRatio: cpuOf(top.runs) / cpuOf(sync.runs),
      concurrency: top.concurrency,
    };
  });
}

function describeBest(best: ReturnType<typeof bestAsync>): string {
  return best
    .map(
      (entry) =>
        `${formatRatio(entry.ratio)} with ${entry.workUs === 0 ? 'no other work' : `${entry.workUs} µs of other work`} ` +
        `(${entry.concurrency} in flight; CPU per message ${formatRatio(entry.cpuRatio)} sync's)`,
    )
    .join(', ');
}

function verifySection(results: SecurityResults): { lines: string[]; verdict: string[] } {
  if (results.verify.length === 0) return { lines: [], verdict: [] };
  const free = results.verify.filter((result) => !result.pinned);
  const sign = spread(free.map((result) => result.signUs));
  const verify = spread(free.map((result) => result.verifyUs));
  const wall = median(free.map((result) => result.verifyWallUs));
  const groups = verifyGroups(results);
  const syncRate = (group: VerifyGroup): number =>
    rate(
      groups.find(
        (candidate) =>
          candidate.pinned === group.pinned && candidate.workUs === group.workUs && candidate.mode === 'sync',
      )?.runs ?? [],
    );
  const rows = groups.map((group) => [
    group.pinned ? '1 (taskset)' : 'all',
    group.workUs === 0 ? 'none' : `${group.workUs} µs`,
    group.mode === 'sync' ? '`crypto.verify` (sync)' : '`crypto.verify(…, cb)` (threadpool)',
    group.mode === 'sync' ? '1' : String(group.concurrency),
    formatInteger(rate(group.runs)),
    formatRatio(rate(group.runs) / syncRate(group)),
    formatUs(median(group.runs.map((run) => run.wallUs))),
    formatUs(cpuOf(group.runs)),
    `${Math.round(median(group.runs.map((run) => run.mainThreadBusy)) * 100)} %`,
  ]);
  const twoCores = bestAsync(groups, false);
  const oneCore = bestAsync(groups, true);
  const poolSize = results.verify[0]!.threadpoolSize;
  const count = results.verify[0]!.runs[0]!.count;
  const lines = [
    '### Ed25519 verify: on the main thread or on the libuv threadpool',
    '',
    `CPU time to sign: **${formatUs(sign.median)} µs** (min–max ${formatUs(sign.min)}–${formatUs(sign.max)}); to ` +
      `verify: **${formatUs(verify.median)} µs** per message (${formatUs(verify.min)}–${formatUs(verify.max)}; wall ` +
      `time ${formatUs(wall)} µs, the rest is waiting for a core), over ${formatInteger(count)} verifications of 1,024 ` +
      "distinct 320-byte signed inputs (the canonical header and the payload's SHA-256 are about that long), one fresh " +
      `worker per run. Verification alone caps one core at **${formatInteger(1_000_000 / verify.median)} ` +
      'verifications/s**.',
    '',
    "The same verifications as a subscriber would run them: synchronously in turn (today's `SignatureVerifier`), or " +
      `with the callback form, which Node runs on the libuv threadpool (${poolSize} threads), with a fixed number in ` +
      'flight; each with no other work and with a fixed computation per message on the main thread beside it (a loop ' +
      'calibrated to take that long on a free core, standing in for decode, validation and the handler). Each in a ' +
      'worker free to use every core, and again in a worker pinned to one core (`taskset -a`, the pool threads ' +
      'included), where the pool can overlap nothing. CPU µs/msg counts the main thread and the pool; main thread busy ' +
      'is its event-loop utilization.',
    '',
    markdownTable(
      [
        'cores',
        'main-thread work',
        'form',
        'in flight',
        'verifies/s',
        '× sync',
        'wall µs/msg',
        'CPU µs/msg',
        'main thread busy',
      ],
      rows,
    ),
    '',
  ];
  const fasterWithCores = twoCores.every((entry) => entry.ratio >= CLEAR_WIN);
  // Per core, CPU time decides: it does not depend on what else holds the cores, as rates do.
  const cheaperPerCore = [...twoCores, ...oneCore].every((entry) => entry.cpuRatio <= 1 / CLEAR_WIN);
  const verdict = [
    `- **Threadpool, one process with every core:** best async ÷ sync ${describeBest(twoCores)}` +
      (fasterWithCores
        ? `: ≥ ${CLEAR_WIN}×, because the pool's threads verify on the other core while the main thread goes on ` +
          '(on a shared machine, part of it is only a larger share of the scheduler: more runnable threads).'
        : `: not ≥ ${CLEAR_WIN}× in both.`),
    ...(oneCore.length > 0
      ? [`- **Threadpool, pinned to one core:** best async ÷ sync ${describeBest(oneCore)}.`]
      : []),
    `- **Verdict:** ` +
      (cheaperPerCore
        ? `the threadpool form costs ≤ ${formatRatio(1 / CLEAR_WIN)} the CPU per message: a gain per core.`
        : 'the threadpool form costs the same CPU per message or more (the ratios above), so per core it gains ' +
          'nothing: it moves the work to other threads, and rates differ only as far as the process finds idle ' +
          'cores (rates of the best of four concurrencies on a shared machine also favour it by chance). A second ' +
          'consumer in the group gets those cores as well, and where consumers already fill the cores it buys ' +
          'nothing. Not a clear win: the verify path stays synchronous.'),
  ];
  return { lines, verdict };
}

/** The section: one table per transport, the subscriber drain, the verify micro-benchmark, the answers. */
export function renderSecuritySection(
  context: BenchmarkContext,
  contenders: SecurityContenderDefinition[],
  results: SecurityResults,
  facts: MeasurementFacts,
): string {
  const { options, machine } = context;
  const verify = verifySection(results);
  const drainSigned = results.drain.get('signed');
  const drainBoth = results.drain.get('signed-encrypted');
  const drainPlain = results.drain.get('plain');
  const perCore = (runs: DrainResult[] | undefined): number =>
    runs ? 1_000_000 / median(runs.map((run) => run.cpuUs)) : Number.NaN;
  const verifyUs = median(results.verify.map((result) => result.verifyUs));
  const answers = [
    ...(drainSigned
      ? [
          `- **Per core:** one subscriber on Redis Streams sustains about **${formatInteger(perCore(drainSigned))} signed** ` +
            `and **${formatInteger(perCore(drainBoth))} signed + encrypted** 1 KB messages/s per core (plain: ` +
            `${formatInteger(perCore(drainPlain))}), from its CPU per message; Ed25519 verify alone ` +
            `(${formatUs(verifyUs)} µs) would cap a core at ${formatInteger(1_000_000 / verifyUs)}/s.`,
        ]
      : []),
    ...verify.verdict,
  ];
  return [
    '## Security: signed and encrypted messages',
    '',
    `${measuredOn(context, facts)} (${machine.cores} cores, shared with other work); compare rows within one table only.`,
    '',
    `Every row sends the Redis benchmark's order DTO (${options.payloadBytes}-byte JSON payload) from one MessageBus to ` +
      "a handler on the same bus in one process, validation on, with the Redis benchmark's flow control: at most " +
      `${formatInteger(options.maxInFlight)} messages between the publish call and the handler. Signed rows have ` +
      '`security: { identities: [bench], trust: <its public key>, receive: { requireSigned: true } }` (Ed25519, the ' +
      "default `signAll`); encrypted rows `serializer: 'json+a256gcm'` with an `aes256gcm` stage and " +
      '`requireEncrypted`; so every message is signed or sealed on publish and checked on receipt, in the same ' +
      `process (the CPU column pays both sides). ${formatInteger(options.messages ?? 10_000)} messages per run, one ` +
      `warm-up run, then the measured run, in a fresh worker per row and run; ${options.runs} runs, rows in rotating ` +
      "order; medians (min and max of throughput beside them). `× plain` is the row's median ÷ the plain row's of the " +
      'same transport in this run; the Redis tables also show the ratio to the hand-written ioredis row.',
    '',
    ...loadTables(contenders, results),
    ...drainTable(results),
    ...verify.lines,
    ...(answers.length > 0 ? ['### Answers', '', ...answers] : []),
  ].join('\n');
}
