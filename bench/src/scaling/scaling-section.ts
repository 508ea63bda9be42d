import { DEFAULT_HANDLER_CONCURRENCY } from '@smart-message/nestjs';
import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger, formatMs, formatRatio, markdownTable } from '../harness/markdown-table';
import { measuredOn } from '../harness/measured-on';
import { median, spread } from '../harness/stats';
import { InMemoryHoldResult } from './in-memory-hold.worker';
import { StreamsBacklogOutcome } from './memory-runs';
import { IDLE_HANDLER_ROUND_FACTOR, IN_MEMORY_CYCLES, ScalingSettings, jobsPerRound } from './scaling-settings';
import { ConfigurationOutcome } from './throughput-analysis';

export interface ScalingResults {
  throughput: ConfigurationOutcome[];
  inMemory: InMemoryHoldResult[];
  backlogs: StreamsBacklogOutcome[];
}

/** What the section's header says about the run itself. */
export interface ScalingRunFacts {
  startedAt: Date;
  redisVersion: string;
  loadAtStart: string;
  loadAtEnd: string;
}

const TITLE = 'Scaling: consumer processes and messages in flight';
const MB = 1024 * 1024;

export function renderScalingSection(
  context: BenchmarkContext,
  settings: ScalingSettings,
  results: ScalingResults,
  facts: ScalingRunFacts,
): string {
  const { machine } = context;
  return [
    `## ${TITLE}`,
    '',
    `${measuredOn(context, facts)} (${machine.cores} cores); other processes may have been using the machine, so ` +
      'compare rows within one table only.',
    '',
    ...(results.throughput.length > 0 ? throughputPart(settings, results.throughput, machine.cores) : []),
    ...(results.inMemory.length > 0 ? inMemoryPart(settings, results.inMemory) : []),
    ...(results.backlogs.length > 0 ? backlogPart(settings, results.backlogs) : []),
  ]
    .join('\n')
    .trimEnd();
}

function throughputPart(settings: ScalingSettings, outcomes: ConfigurationOutcome[], cores: number): string[] {
  const tables = settings.workUs.flatMap((workUs) => {
    const rows = outcomes.filter((outcome) => outcome.workUs === workUs);
    const base = rows[0]!;
    const baseRate = median(base.rounds.map((round) => round.throughput));
    const jobs = `rounds of ${formatInteger(jobsPerRound(settings, workUs))} jobs`;
    const heading =
      workUs > 0 ? `#### Handler computing for ${workUs} µs per job (${jobs})` : `#### Handler doing nothing (${jobs})`;
    return [
      heading,
      '',
      markdownTable(
        [
          'consumers',
          'median msg/s',
          'min',
          'max',
          `× ${base.consumers} consumer${base.consumers === 1 ? '' : 's'}`,
          'share per consumer (even)',
          'start spread ms',
          'consumer CPU µs/job',
          'handled',
          'lost',
          'duplicates',
          'largest consumer peak RSS MB',
        ],
        rows.map((outcome) => {
          const rates = spread(outcome.rounds.map((round) => round.throughput));
          const every = [outcome.warmup, ...outcome.rounds];
          const shares = outcome.rounds.flatMap((round) => round.shares);
          return [
            String(outcome.consumers),
            formatInteger(rates.median),
            formatInteger(rates.min),
            formatInteger(rates.max),
            formatRatio(rates.median / baseRate),
            outcome.consumers === 1
              ? '100 %'
              : `${percent(Math.min(...shares))}–${percent(Math.max(...shares))} (${percent(1 / outcome.consumers)})`,
            formatMs(median(outcome.rounds.map((round) => round.startSpreadMs))),
            formatInteger(median(outcome.rounds.map((round) => round.cpuUsPerJob))),
            formatInteger(every.reduce((sum, round) => sum + round.deliveries, 0)),
            formatInteger(every.reduce((sum, round) => sum + round.lost, 0)),
            formatInteger(every.reduce((sum, round) => sum + round.duplicates, 0)),
            formatInteger(outcome.consumerPeakRssMb),
          ];
        }),
      ),
      '',
    ];
  });
  const fills = outcomes.flatMap((outcome) => outcome.fillMs);
  const rounds = settings.runs + 1;
  return [
    `### Throughput of Redis Streams with ${joinCounts(settings.consumers)} consumer processes`,
    '',
    `**This machine has ${cores} cores.** At most ${cores} processes can compute at once, and Redis, the publisher and ` +
      `the main process run on the same ${cores} cores. With a CPU-bound handler, more than ${cores} consumer ` +
      `processes cannot be faster than ${cores}: rows with more consumers than cores show what processes taking turns ` +
      'on the cores cost, not a limit of the transport.',
    '',
    'The consumer service runs as separate processes, each a Nest application (`NestFactory.createApplicationContext`) ' +
      'with `SmartMessageModule.forRoot` on a `RedisStreamsTransport` (its defaults: batch 100, block 2000 ms; ' +
      '`startFrom: "0"`), the same `entity` in every process, so they are consumers of one group and share the work, ' +
      `and one \`@Subscribe\` handler with the default concurrency (${DEFAULT_HANDLER_CONCURRENCY}), validation on. ` +
      `A publisher process (a \`MessageBus\` on the same transport) **fills the stream first**: ` +
      `jobs of ${settings.payloadBytes} bytes, ${formatInteger(settings.messagesPerRound)} per round for a handler that ` +
      `computes and ${IDLE_HANDLER_ROUND_FACTOR}× as many for the one that does nothing (its rounds would be too ` +
      `short to time otherwise), with at most ${formatInteger(settings.maxInFlight)} unanswered \`XADD\`s at once ` +
      `(${formatMs(median(fills) / 1000)} s per round, median). Meanwhile the handlers wait at a gate, so each consumer has read at most ` +
      'its concurrency and the rest waits in Redis; then the main process sends every consumer "go" on one pub/sub ' +
      'message, so all start together on a full stream and the publisher is idle while they work. The next round ' +
      "starts when the group has read and acknowledged everything (`XINFO GROUPS`). The consumers' processes live " +
      `through one configuration: ${rounds} rounds, the first a warm-up, the other ${settings.runs} measured.`,
    '',
    (settings.workUs[0]! > 0
      ? `The handler of the first table does a fixed computation per job, a loop each consumer calibrates at start to ` +
        `take ${settings.workUs[0]} µs on a core of its own (\`--work-us\`): the same work however the processes share ` +
        'the cores, where a loop that watched the clock would do less whenever its process waited for a core. ' +
        'The handler of the second table does nothing, so the transport and the bus are all there is to share. '
      : 'The handler does nothing, so the transport and the bus are all there is to share. ') +
      "Consumer CPU µs/job is the CPU time (user + system) of all consumer processes from one round's go to the " +
      'next, per job: when it stays flat while throughput stops rising, the processes waited for a core rather than ' +
      'did more work per job.',
    '',
    'Throughput is distinct jobs handled ÷ (first handler call finished → last handler call finished, over all ' +
      'consumers), from wall-clock timestamps the consumers record and return at the end; the figures are the median, ' +
      "min and max over the measured rounds. The ratio is to the first row's median. Share per consumer is the " +
      'smallest and largest part of one round that any one consumer handled, over the measured rounds, with the even ' +
      'part in brackets. Start spread is the median time from the first to the last consumer finishing its first job ' +
      '(how together they started). Every consumer books how often it handled each job of each round; added up over ' +
      'all consumers, a job handled by none is lost and every call beyond the first for a job is a duplicate ' +
      '(Streams are at-least-once: a duplicate would come from a redelivery, a lost job from a bug). Handled, lost and ' +
      'duplicates count all rounds, the warm-up included.',
    '',
    ...tables,
  ];
}

function inMemoryPart(settings: ScalingSettings, results: InMemoryHoldResult[]): string[] {
  const gcNote = results.every((result) => result.gcExposed)
    ? 'after a full garbage collection (workers run with `--expose-gc`)'
    : 'WITHOUT a forced garbage collection (`--expose-gc` was not in effect), so the figures include garbage';
  const rows = results.map((result) => {
    const first = result.cycles[0]!;
    const last = result.cycles.at(-1)!;
    const heapPerMessage = ((first.held.heapUsedMb - result.baseline.heapUsedMb) * MB) / result.messages;
    const rssPerMessage = ((first.held.rssMb - result.baseline.rssMb) * MB) / result.messages;
    return [
      formatInteger(result.messages),
      `${formatInteger(first.running)} / ${formatInteger(result.messages - first.running)}`,
      ((first.publishMs * 1000) / result.messages).toFixed(1),
      mb(result.baseline.heapUsedMb),
      mb(first.held.heapUsedMb),
      formatInteger(heapPerMessage),
      mb(result.baseline.rssMb),
      mb(first.held.rssMb),
      formatInteger(rssPerMessage),
      mb(result.peakRssMb),
      `${mb(first.afterGc.heapUsedMb)} / ${mb(last.afterGc.heapUsedMb)}`,
      `${mb(first.afterGc.rssMb)} / ${mb(last.afterGc.rssMb)}`,
    ];
  });
  return [
    '### Memory with messages in flight: in-memory transport',
    '',
    'One fresh process per size, a Nest application on the default in-memory transport whose one `@Subscribe` ' +
      `handler (default concurrency, ${DEFAULT_HANDLER_CONCURRENCY}) waits at a gate. The process publishes N jobs ` +
      `of ${settings.payloadBytes} bytes (round, seq and a padded body) through the \`MessageBus\`, in chunks of 1,000 ` +
      'publishes awaited together; then the handler calls that may run are running and held, and the rest wait in the ' +
      "subscription's queue (the in-memory transport does not bound it). Memory is measured " +
      `${gcNote}: before (after start-up and a warm-up cycle of 1,000 jobs), with all N in flight, and after the ` +
      `gate opened and every job was handled. Each process runs ${IN_MEMORY_CYCLES} such cycles in a row; the last ` +
      'two columns show the first and the last cycle after draining, so growth from cycle to cycle would show there. ' +
      'Bytes per message are (with N in flight − before) ÷ N; about ' +
      `${settings.payloadBytes} of them are the encoded payload each envelope carries, the rest is the envelope, its ` +
      "header and the queue's bookkeeping. RSS counts what the process got from the system; V8 " +
      'and the allocator keep some of it after a collection, so RSS falls back less than the heap.',
    '',
    markdownTable(
      [
        'in flight N',
        'running / queued',
        'publish µs/msg',
        'heap before MB',
        'heap with N MB',
        'heap B/msg',
        'RSS before MB',
        'RSS with N MB',
        'RSS B/msg',
        'peak RSS MB',
        `heap after drain + GC MB (cycle 1 / ${IN_MEMORY_CYCLES})`,
        `RSS after drain + GC MB (cycle 1 / ${IN_MEMORY_CYCLES})`,
      ],
      rows,
    ),
    '',
  ];
}

function backlogPart(settings: ScalingSettings, outcomes: StreamsBacklogOutcome[]): string[] {
  const rows = outcomes.map((outcome) => [
    formatInteger(outcome.messages),
    `${mb(outcome.streamBytes / MB)} (${formatInteger(outcome.streamBytes / outcome.messages)})`,
    formatInteger(outcome.heldInFlight),
    outcome.lagWhileHeld === null ? '–' : formatInteger(outcome.lagWhileHeld),
    mb(outcome.beforeStart.heapUsedMb),
    mb(outcome.held.heapUsedMb),
    mb(outcome.beforeStart.rssMb),
    mb(outcome.held.rssMb),
    formatInteger((outcome.messages / outcome.drainMs) * 1000),
    mb(outcome.midDrain.heapUsedMb),
    mb(outcome.peakRssMb),
    `${mb(outcome.afterGc.heapUsedMb)} / ${mb(outcome.afterGc.rssMb)}`,
    formatInteger(outcome.lost),
    formatInteger(outcome.duplicates),
  ]);
  return [
    '### Memory with a backlog: Redis Streams',
    '',
    `A publisher process fills the stream with N jobs of ${settings.payloadBytes} bytes (no trimming, \`maxLen: 0\`), ` +
      'then one fresh consumer process starts: a Nest application on `RedisStreamsTransport` (`startFrom: "0"`) whose ' +
      `one \`@Subscribe\` handler (default concurrency, ${DEFAULT_HANDLER_CONCURRENCY}) waits at a gate. The consumer ` +
      'reads what its concurrency allows and stops; it is measured 1 s after its handlers are full, after a GC, while ' +
      'the rest of the backlog waits in Redis (its `lag`, from `XINFO GROUPS`). Then the gate opens and it works ' +
      'through the whole backlog (drain msg/s: first → last job handled); halfway through, a GC and a sample give the ' +
      'live heap while draining. Peak RSS is sampled every 10 ms from the start of the application to the end of the ' +
      'drain: it also holds garbage not yet collected, and V8 lets the heap grow for a while when a process ' +
      'allocates fast for long, so it rises somewhat with the length of the drain while the live heap does not. ' +
      'Bounded means the consumer columns do not grow with N: an instance holds no more than its ' +
      "handlers' concurrency, and the backlog's memory is Redis's (the stream column, `MEMORY USAGE`: the " +
      'largest backlog needs that much free memory in Redis for a moment; the keys are deleted after each size).',
    '',
    markdownTable(
      [
        'backlog N',
        'stream in Redis MB (B/entry)',
        'read by the consumer',
        'waiting in Redis',
        'heap before start MB',
        'heap held MB',
        'RSS before start MB',
        'RSS held MB',
        'drain msg/s',
        'live heap mid-drain MB',
        'peak RSS MB',
        'after drain + GC: heap / RSS MB',
        'lost',
        'duplicates',
      ],
      rows,
    ),
    '',
  ];
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

function mb(value: number): string {
  return value < 100 ? value.toFixed(1) : formatInteger(value);
}

function joinCounts(counts: readonly number[]): string {
  if (counts.length <= 1) return counts.join('');
  return `${counts.slice(0, -1).join(', ')} and ${counts.at(-1)}`;
}
