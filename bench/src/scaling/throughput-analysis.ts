import { countsPerSeq } from './consumption-ledger';
import { ConsumerResult } from './consumer.worker';
import { ConfigurationResults, ThroughputConfiguration } from './throughput-configuration';

/** One round of one configuration, all consumers added up. */
export interface RoundOutcome {
  round: number;
  /** Distinct jobs handled ÷ (first handler finished → last handler finished), across consumers. */
  throughput: number;
  durationMs: number;
  /** Handler calls, duplicates included. */
  deliveries: number;
  /** Jobs of the round that no consumer handled. */
  lost: number;
  /** Handler calls beyond the first for the same job. */
  duplicates: number;
  /** Each consumer's part of the round's handler calls, as a fraction, in consumer order. */
  shares: number[];
  /** From the first consumer's first job to the last consumer's first job: how together they started. */
  startSpreadMs: number;
  /** CPU time of all consumer processes from this round's go to the next one's, per distinct job. */
  cpuUsPerJob: number;
}

export interface ConfigurationOutcome {
  consumers: number;
  workUs: number;
  messagesPerRound: number;
  warmup: RoundOutcome;
  /** The measured rounds. */
  rounds: RoundOutcome[];
  /** The largest peak RSS among the consumer processes. */
  consumerPeakRssMb: number;
  /** Time the publisher took to fill each round, warm-up first. */
  fillMs: number[];
}

export function analyzeConfiguration(
  configuration: ThroughputConfiguration,
  results: ConfigurationResults,
): ConfigurationOutcome {
  const outcomes = Array.from({ length: configuration.runs + 1 }, (_, round) =>
    analyzeRound(round, configuration.messagesPerRound, results.consumers),
  );
  return {
    consumers: configuration.consumers,
    workUs: configuration.workUs,
    messagesPerRound: configuration.messagesPerRound,
    warmup: outcomes[0]!,
    rounds: outcomes.slice(1),
    consumerPeakRssMb: Math.max(...results.consumers.map((consumer) => consumer.peakRssMb)),
    fillMs: results.fillMs,
  };
}

function analyzeRound(round: number, messages: number, consumers: readonly ConsumerResult[]): RoundOutcome {
  const totals = new Uint32Array(messages);
  const books = consumers.map((consumer) => consumer.rounds.find((candidate) => candidate.round === round));
  for (const consumption of books) {
    if (!consumption) continue;
    const counts = countsPerSeq(consumption.seqCounts, messages);
    for (let seq = 0; seq < messages; seq++) totals[seq]! += counts[seq]!;
  }
  const cpuUs = consumers.reduce((sum, consumer) => sum + roundCpuUs(consumer, round), 0);
  let distinct = 0;
  for (const total of totals) if (total > 0) distinct++;
  const active = books.filter((consumption) => consumption !== undefined);
  const deliveries = active.reduce((sum, consumption) => sum + consumption.consumed, 0);
  const firstAts = active.map((consumption) => consumption.firstAt);
  const firstAt = Math.min(...firstAts);
  const durationMs = Math.max(...active.map((consumption) => consumption.lastAt)) - firstAt;
  return {
    round,
    throughput: (distinct / durationMs) * 1000,
    durationMs,
    deliveries,
    lost: messages - distinct,
    duplicates: deliveries - distinct,
    shares: books.map((consumption) => (consumption?.consumed ?? 0) / Math.max(1, deliveries)),
    startSpreadMs: Math.max(...firstAts) - firstAt,
    cpuUsPerJob: cpuUs / distinct,
  };
}

/** CPU the consumer used from the round's go to the next go (or stop): the round's work, and idling until the next. */
function roundCpuUs(consumer: ConsumerResult, round: number): number {
  const at = consumer.cpuAtGo.find((mark) => mark.round === round)?.cpuUs;
  const next = consumer.cpuAtGo.find((mark) => mark.round === round + 1)?.cpuUs ?? consumer.cpuAtStopUs;
  return at === undefined ? 0 : next - at;
}
