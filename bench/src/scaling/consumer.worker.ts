import { NestFactory } from '@nestjs/core';
import { RedisStreamsTransport } from '@smart-message/redis';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { ConsumptionLedger, RoundConsumption } from './consumption-ledger';
import { FixedWork } from './fixed-work';
import { RoundGates } from './round-gates';
import { RssWatch } from './rss-watch';
import { ScalingConsumerModule } from './scaling-consumer.module';
import { WorkerControl } from './worker-control';

export interface ConsumerTask {
  role: 'consumer';
  redisUrl: string;
  /** Control keys and channel of this configuration. */
  controlPrefix: string;
  /** The Streams transport's prefix. */
  streamPrefix: string;
  /** Consumer name in the group, and the worker's name in reports. */
  worker: string;
  workUs: number;
  messagesPerRound: number;
}

export interface ConsumerResult {
  worker: string;
  rounds: RoundConsumption[];
  /** CPU time (user + system) of the process, µs, when each round's go came … */
  cpuAtGo: { round: number; cpuUs: number }[];
  /** … and when stop came: the CPU a round cost is what was used until the next go. */
  cpuAtStopUs: number;
  /** The largest RSS from ready to stop. */
  peakRssMb: number;
}

/**
 * One instance of the consumer service in a process of its own: starts its Nest application (which
 * joins the group and starts reading), says ready, opens each round's gate on go, and returns
 * its books when told to stop.
 */
export async function runConsumer(task: ConsumerTask): Promise<ConsumerResult> {
  const ledger = new ConsumptionLedger(task.messagesPerRound);
  const gates = new RoundGates();
  const work = FixedWork.calibrate(task.workUs);
  const cpuAtGo: ConsumerResult['cpuAtGo'] = [];
  const control = await WorkerControl.listen(task.redisUrl, task.controlPrefix, (command) => {
    if (command.kind !== 'go') return;
    cpuAtGo.push({ round: command.round, cpuUs: cpuUs() });
    gates.open(command.round);
  });
  try {
    const transport = new RedisStreamsTransport({
      url: task.redisUrl,
      prefix: task.streamPrefix,
      consumerName: task.worker,
      // The publisher may have filled the stream before the first consumer created the group.
      startFrom: '0',
      logger: quietLogger,
    });
    const app = await NestFactory.createApplicationContext(
      ScalingConsumerModule.forRoot({ transport, ledger, gates, work }),
      { logger: false },
    );
    const rss = new RssWatch().start();
    let cpuAtStopUs: number;
    try {
      await control.report({ kind: 'ready', worker: task.worker });
      await control.stopped;
      cpuAtStopUs = cpuUs();
    } finally {
      rss.stop();
      await app.close();
    }
    return { worker: task.worker, rounds: ledger.results(), cpuAtGo, cpuAtStopUs, peakRssMb: rss.peakMb };
  } finally {
    control.close();
  }
}

function cpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
