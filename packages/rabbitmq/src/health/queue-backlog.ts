import type { QueueBacklog } from '@smart-message/nestjs';
import type { QueueConsumerStatus } from '../consume/queue-consumer';
import type { QueueDepth } from './queue-depths';

/**
 * One subscribed queue's backlog as far as AMQP tells it: `ready` is the passive declare's
 * message count (published, not yet delivered to any consumer). `leased` (delivered, not yet
 * acknowledged), `delayed` and `oldestDueAgeMs` are 0 because only the management plugin's
 * HTTP API reports them; `queue` and `consumers` say where the count comes from.
 */
export interface RabbitMqQueueBacklog extends QueueBacklog {
  /** The queue the count was read from. */
  queue: string;
  /** Consumers the broker has on the queue, of every instance. */
  consumers: number;
}

/** A backlog row per subscription whose queue was counted, each queue once. */
export function backlogsOf(
  subscriptions: readonly QueueConsumerStatus[],
  depths: readonly QueueDepth[],
): RabbitMqQueueBacklog[] {
  const byQueue = new Map(depths.map((depth) => [depth.queue, depth]));
  const seen = new Set<string>();
  const backlogs: RabbitMqQueueBacklog[] = [];
  for (const { group, messageClass, queue } of subscriptions) {
    const depth = byQueue.get(queue);
    if (!depth || seen.has(queue)) continue;
    seen.add(queue);
    backlogs.push({
      group,
      messageClass,
      queue,
      ready: depth.messageCount,
      delayed: 0,
      leased: 0,
      oldestDueAgeMs: 0,
      consumers: depth.consumerCount,
    });
  }
  return backlogs;
}
