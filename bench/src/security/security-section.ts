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
        raw ? formatRatio(rate.median / throughput(raw)) : '',
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
          raw ? `× ${raw}` : '',
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

function verifyRows(results: SecurityResults): { key: string; runs: VerifyRun[] }[] {
  const groups = new Map<string, VerifyRun[]>();
  for (const result of results.verify)
    for (const run of result.runs) {
      const key = `${run.workUs}:${run.mode}:${run.concurrency}`;
      groups.set(key, [...(groups.get(key) ?? []), run]);
    }
  return [...groups].map(([key, runs]) => ({ key, runs }));
}

function verifySection(results: SecurityResults): { lines: string[]; verdict: string[] } {
  if (results.verify.length === 0) return { lines: [], verdict: [] };
  const sign = spread(results.verify.map((result) => result.signUs));
  const verify = spread(results.verify.map((result) => result.verifyUs));
  const groups = verifyRows(results);
  const rate = (runs: VerifyRun[]): number => median(runs.map((run) => run.perSecond));
  const syncRate = (workUs: number): number =>
    rate(groups.find((group) => group.key === `${workUs}:sync:1`)?.runs ?? []);
  const rows = groups.map(({ runs }) => {
    const first = runs[0]!;
    return [
      first.workUs === 0 ? 'none' : `${first.workUs} µs`,
      first.mode === 'sync' ? '`crypto.verify` (sync)' : '`crypto.verify(…, cb)` (threadpool)',
      first.mode === 'sync' ? '1' : String(first.concurrency),
      formatInteger(rate(runs)),
      formatRatio(rate(runs) / syncRate(first.workUs)),
      formatUs(median(runs.map((run) => run.wallUs))),
      formatUs(median(runs.map((run) => run.cpuUs))),
      `${Math.round(median(runs.map((run) => run.mainThreadBusy)) * 100)} %`,
    ];
  });
  const workLevels = [...new Set(groups.map((group) => group.runs[0]!.workUs))];
  const cpuOf = (runs: VerifyRun[]): number => median(runs.map((run) => run.cpuUs));
  const best = workLevels.map((workUs) => {
    const sync = groups.find((group) => group.key === `${workUs}:sync:1`)!;
    const asyncGroups = groups.filter((group) => group.key.startsWith(`${workUs}:async:`));
    const top = asyncGroups.reduce((a, b) => (rate(b.runs) > rate(a.runs) ? b : a), asyncGroups[0]!);
    return {
      workUs,
      ratio: rate(top.runs) / rate(sync.runs),
      cpuRatio: cpuOf(top.runs) / cpuOf(sync.runs),
      concurrency: top.runs[0]!.concurrency,
    };
  });
  const fasterEverywhere = best.every((entry) => entry.ratio >= CLEAR_WIN);
  const cheaperPerCore = best.every((entry) => entry.cpuRatio <= 1 / CLEAR_WIN);
  const poolSize = results.verify[0]!.threadpoolSize;
  const wall = median(results.verify.map((result) => result.verifyWallUs));
  const lines = [
    '### Ed25519 verify: on the main thread or on the libuv threadpool',
    '',
    `CPU time to sign: **${formatUs(sign.median)} µs** (min–max ${formatUs(sign.min)}–${formatUs(sign.max)}); to ` +
      `verify: **${formatUs(verify.median)} µs** per message (${formatUs(verify.min)}–${formatUs(verify.max)}; wall ` +
      `time ${formatUs(wall)} µs, the rest is waiting for a core), over ` +
      `${formatInteger(results.verify[0]!.runs[0]!.count)} verifications of 1,024 distinct 320-byte signed inputs (the ` +
      "canonical header and the payload's SHA-256 are about that long), one fresh worker per run. Verification alone " +
      `caps one core at **${formatInteger(1_000_000 / verify.median)} verifications/s**.`,
    '',
    "The same verifications as a subscriber would run them: synchronously in turn (today's `SignatureVerifier`), or " +
      `with the callback form, which Node runs on the libuv threadpool (${poolSize} threads), with a fixed number in ` +
      'flight; each with no other work and with a fixed computation per message on the main thread beside it (a loop ' +
      'calibrated to take that long on a free core, standing in for decode, validation and the handler). CPU µs/msg ' +
      'counts the main thread and the pool; main thread busy is its event-loop utilization.',
    '',
    markdownTable(
      [
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
  const verdict = [
    `- **Threadpool, one process:** the best async row ÷ sync is ${best
      .map(
        (entry) =>
          `${formatRatio(entry.ratio)} with ${entry.workUs === 0 ? 'no other work' : `${entry.workUs} µs of other work`} (${entry.concurrency} in flight)`,
      )
      .join(', ')}` +
      (fasterEverywhere
        ? `: ≥ ${CLEAR_WIN}× in both, because the pool's threads run verifications on the other core while the main ` +
          'thread goes on.'
        : `: not ≥ ${CLEAR_WIN}× in both.`),
    `- **Threadpool, per core:** its CPU per message ÷ sync is ${best.map((entry) => formatRatio(entry.cpuRatio)).join(', ')}` +
      (cheaperPerCore
        ? ': cheaper per message.'
        : ': the pool moves the same work to other threads, it does not make it cheaper. It helps only a process that ' +
          'has an idle core beside it; where consumer processes already fill the cores (one per core in a Streams ' +
          'group), it buys nothing, and on a loaded machine part of its gain is only a larger share of the scheduler ' +
          '(more runnable threads).'),
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
