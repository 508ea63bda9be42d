import type { ChannelModel } from 'amqplib';

/** Ready messages and consumers of one queue, from a passive declare. */
export interface QueueDepth {
  queue: string;
  /** Ready messages: published and not yet delivered to any consumer (its lag). */
  messageCount: number;
  consumerCount: number;
}

/**
 * Passive declares (`checkQueue`) of `queues` on a channel of its own, within `timeoutMs`. A
 * missing queue closes the channel (404), so the channel is never shared with consumers; the
 * first failure ends the round and is reported, never thrown.
 */
export async function queueDepths(
  model: ChannelModel | undefined,
  queues: readonly string[],
  timeoutMs: number,
): Promise<{ queues: QueueDepth[]; error?: string }> {
  if (!model) return { queues: [], error: 'no connection for the queue round trip' };
  const depths: QueueDepth[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`RabbitMQ did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const round = (async () => {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      for (const queue of queues) {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        depths.push({ queue, messageCount, consumerCount });
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
  })();
  round.catch(() => undefined);
  try {
    await Promise.race([round, timedOut]);
    return { queues: depths };
  } catch (error) {
    return { queues: depths, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
