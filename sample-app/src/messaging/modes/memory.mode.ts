import { MemoryTransport } from '@smart-message/nestjs';
import { BROADCAST_TRANSPORT, DURABLE_TRANSPORT } from '../transport-names';
import { MessagingMode } from './messaging-mode';

/** Messages waiting per subscription in memory; a flood beyond it goes to the dead letter queue, not to the heap. */
const MEMORY_MAX_QUEUED = 10_000;

/** `SMART_MESSAGE_TRANSPORT=memory` (the default): the whole shop in one process, nothing to run beside it. */
export const memoryMode: MessagingMode = {
  name: 'memory',
  read: () => ({
    mode: 'memory',
    transports: () => ({
      [DURABLE_TRANSPORT]: new MemoryTransport({ maxQueuedDeliveries: MEMORY_MAX_QUEUED }),
      [BROADCAST_TRANSPORT]: new MemoryTransport({ maxQueuedDeliveries: MEMORY_MAX_QUEUED }),
    }),
  }),
};
