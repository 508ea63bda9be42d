import { randomBytes } from 'node:crypto';
import { Benchmark, WorkerTask } from '../harness/benchmark';
import { currentLoad } from '../harness/machine';
import { formatInteger, formatMs } from '../harness/markdown-table';
import { median } from '../harness/stats';
import { deleteKeysUnder, redisVersion } from '../redis/redis-keys';
import { ConsumerTask, runConsumer } from './consumer.worker';
import { FillTask, runFill } from './fill.worker';
import { InMemoryHoldTask, runInMemoryHold } from './in-memory-hold.worker';
import { runInMemorySizes, runStreamsBacklogs } from './memory-runs';
import { PublisherTask, runPublisher } from './publisher.worker';
import { ScalingResults, renderScalingSection } from './scaling-section';
import { jobsPerRound, scalingSettings } from './scaling-settings';
import { selectParts } from './scaling-parts';
import { StreamsBacklogTask, runStreamsBacklog } from './streams-backlog.worker';
import { analyzeConfiguration } from './throughput-analysis';
import { ThroughputConfiguration, runThroughputConfiguration } from './throughput-configuration';

type ScalingTask = ConsumerTask | PublisherTask | FillTask | InMemoryHoldTask | StreamsBacklogTask;

export const scalingBenchmark: Benchmark = {
  name: 'scaling',
  title: 'Scaling: consumer processes and messages in flight',

  async run(context) {
    const settings = scalingSettings(context.options);
    const parts = selectParts(context.options.only);
    const startedAt = new Date();
    const version = await redisVersion(settings.redisUrl);
    const loadAtStart = currentLoad();
    const runId = `bench:${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
    context.progress(`${parts.join(', ')}; Redis ${version}, keys under ${runId}:`);
    const results: ScalingResults = { throughput: [], inMemory: [], backlogs: [] };
    try {
      if (parts.includes('throughput')) {
        for (const workUs of settings.workUs) {
          for (const consumers of settings.consumers) {
            const configuration: ThroughputConfiguration = {
              consumers,
              workUs,
              messagesPerRound: jobsPerRound(settings, workUs),
              runs: settings.runs,
              payloadBytes: settings.payloadBytes,
              maxInFlight: settings.maxInFlight,
              redisUrl: settings.redisUrl,
              prefix: `${runId}:w${workUs}-c${consumers}:`,
            };
            context.progress(
              `throughput: ${consumers} consumer(s), handler ${workUs} µs, 1 warm-up + ${settings.runs} rounds of ` +
                `${formatInteger(configuration.messagesPerRound)} jobs …`,
            );
            const outcome = analyzeConfiguration(
              configuration,
              await runThroughputConfiguration(context, configuration),
            );
            const rates = outcome.rounds.map((round) => round.throughput);
            context.progress(
              `throughput: ${consumers} consumer(s), handler ${workUs} µs: median ${formatInteger(median(rates))} msg/s ` +
                `(start spread ${formatMs(median(outcome.rounds.map((round) => round.startSpreadMs)))} ms)`,
            );
            results.throughput.push(outcome);
            await deleteKeysUnder(settings.redisUrl, configuration.prefix);
          }
        }
      }
      if (parts.includes('in-memory')) results.inMemory = await runInMemorySizes(context, settings);
      if (parts.includes('streams-backlog')) results.backlogs = await runStreamsBacklogs(context, settings, runId);
    } finally {
      await deleteKeysUnder(settings.redisUrl, `${runId}:`).catch(() => undefined);
    }
    const section = renderScalingSection(context, settings, results, {
      startedAt,
      redisVersion: version,
      loadAtStart,
      loadAtEnd: currentLoad(),
    });
    context.progress('done');
    return section;
  },

  async work(task: WorkerTask) {
    const scalingTask = task as unknown as ScalingTask;
    switch (scalingTask.role) {
      case 'consumer':
        return runConsumer(scalingTask);
      case 'publisher':
        return runPublisher(scalingTask);
      case 'fill':
        return runFill(scalingTask);
      case 'in-memory-hold':
        return runInMemoryHold(scalingTask);
      case 'streams-backlog':
        return runStreamsBacklog(scalingTask);
    }
  },
};
