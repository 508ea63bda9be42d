import { UndeliverableListener } from '../interfaces/undeliverable.interface';
import { DeadLetterQueue } from './dead-letter-queue';

/**
 * An `onUndeliverable` that records into the queue and then calls `next` (the user's own
 * listener), which is called even when recording failed. It rejects when either did, so a
 * durable transport keeps a message whose dead letter was not recorded.
 */
export function deadLetterListener(queue: DeadLetterQueue, next?: UndeliverableListener): UndeliverableListener {
  return async (event) => {
    try {
      await queue.record(event);
    } finally {
      await next?.(event);
    }
  };
}
