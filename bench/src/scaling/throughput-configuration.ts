import { BenchmarkContext } from '../harness/benchmark';
import { formatInteger } from '../harness/markdown-table';
import { ConsumerResult, ConsumerTask } from './consumer.worker';
import { Coordinator } from './coordinator';
import { PublisherTask } from './publisher.worker';
import { CONSUMER_SERVICE } from './scaling-consumer.module';
import { SCALING_JOB } from './scaling-job.message';

/** A round whose consumers are still busy after this long has failed. */
const ROUND_TIMEOUT_MS = 5 * 60_000;

/** One row of the throughput tables: this many consumer processes, this handler cost. */
export interface ThroughputConfiguration {
  consumers: number;
  workUs: number;
  messagesPerRound: number;
  /** Measured rounds; round 0, before them, is the warm-up. */
  runs: number;
  payloadBytes: number;
  maxInFlight: number;
  redisUrl: string;
  /** Every key of this configuration starts with it. */
  prefix: string;
}

export interface ConfigurationResults {
  consumers: ConsumerResult[];
  /** ms the publisher took to fill each round, warm-up first. */
  fillMs: number[];
}

/**
 * Runs one configuration: a publisher and `consumers` consumer processes at once, then round after
 * round: the publisher fills the stream while the consumers' handlers are held back (each holds at
 * most its concurrency, the rest waits in Redis), every consumer gets go at the same moment, and
 * the next round starts once the group has read and acknowledged everything.
 */
export async function runThroughputConfiguration(
  context: BenchmarkContext,
  configuration: ThroughputConfiguration,
): Promise<ConfigurationResults> {
  const { redisUrl, prefix } = configuration;
  const controlPrefix = `${prefix}ctl:`;
  const streamPrefix = `${prefix}stream:`;
  const publisherTask: PublisherTask = {
    role: 'publisher',
    redisUrl,
    controlPrefix,
    streamPrefix,
    payloadBytes: configuration.payloadBytes,
    maxInFlight: configuration.maxInFlight,
  };
  const consumerTasks = Array.from({ length: configuration.consumers }, (_, index): ConsumerTask => ({
    role: 'consumer',
    redisUrl,
    controlPrefix,
    streamPrefix,
    worker: `consumer-${index + 1}`,
    workUs: configuration.workUs,
    messagesPerRound: configuration.messagesPerRound,
  }));
  const coordinator = new Coordinator(redisUrl, controlPrefix);
  await coordinator.connect();
  const publisher = context.runWorker({ ...publisherTask });
  const consumers = consumerTasks.map((task) => context.runWorker({ ...task }) as Promise<ConsumerResult>);
  coordinator.watch([publisher, ...consumers]);
  const fillMs: number[] = [];
  let stopped = false;
  try {
    for (let ready = 0; ready < consumerTasks.length + 1; ready++) await coordinator.expect('ready');
    const stream = `${streamPrefix}${SCALING_JOB}`;
    for (let round = 0; round <= configuration.runs; round++) {
      const name = round === 0 ? 'warm-up' : `run ${round}/${configuration.runs}`;
      await coordinator.send({ kind: 'fill', round, count: configuration.messagesPerRound });
      fillMs.push((await coordinator.expect('filled')).ms);
      const goAt = performance.now();
      await coordinator.send({ kind: 'go', round });
      await coordinator.drained(stream, CONSUMER_SERVICE, ROUND_TIMEOUT_MS);
      const seconds = (performance.now() - goAt) / 1000;
      context.progress(
        `  ${name}: ${formatInteger(configuration.messagesPerRound / seconds)} msg/s as the main process sees it ` +
          `(go → group drained)`,
      );
    }
    await coordinator.send({ kind: 'stop' });
    stopped = true;
    const [, ...results] = await Promise.all([publisher, ...consumers]);
    return { consumers: results as ConsumerResult[], fillMs };
  } finally {
    if (!stopped) await coordinator.send({ kind: 'stop' }).catch(() => undefined);
    coordinator.close();
    // Whatever happened, wait for the workers to end before the next configuration starts.
    await Promise.allSettled([publisher, ...consumers]);
  }
}
