import { InvalidOptionError } from '@smart-message/nestjs';
import { PubSubBatchOptions } from '../interfaces/redis-pubsub-transport-options.interface';
import { MAX_BATCH_FRAMES } from './batch-frame';

/** The `batch` option with its defaults; refuses a `maxMessages` receivers would not accept. */
export function resolveBatchOptions(options: PubSubBatchOptions): { maxMessages: number; maxDelayMs: number } {
  const maxMessages = options.maxMessages ?? 100;
  if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > MAX_BATCH_FRAMES)
    throw new InvalidOptionError(
      'RedisPubSubTransport',
      'batch.maxMessages',
      options.maxMessages,
      `an integer from 1 to ${MAX_BATCH_FRAMES} (what receivers accept)`,
    );
  return { maxMessages, maxDelayMs: options.maxDelayMs ?? 0 };
}
