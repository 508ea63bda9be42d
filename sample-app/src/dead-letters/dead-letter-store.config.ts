import { resolve } from 'node:path';
import {
  DEFAULT_DEAD_LETTERS_FILE,
  DeadLetterStore,
  JsonlDeadLetterStore,
  MemoryDeadLetterStore,
} from '@smart-message/nestjs';
import { RedisDeadLetterStore } from '@smart-message/redis';
import { MessagingSettings } from '../messaging/messaging-settings';

/**
 * Where the shop keeps its dead letters:
 * - `SMART_MESSAGE_DEAD_LETTERS=<path>`: that JSON Lines file, whatever the transport;
 * - in the modes that use Redis (redis, postgres, rabbitmq, nats): in Redis, under `<SMART_MESSAGE_PREFIX>dead-letters:`, shared by every process;
 * - in redis-cluster mode: on the cluster, under `<SMART_MESSAGE_PREFIX>{dead-letters}:`;
 * - otherwise (memory): `.smart-message/dead-letters.jsonl` under the working directory, except under
 *   jest (NODE_ENV=test), which keeps them in memory so that tests never write into the repository.
 */
export function deadLetterStoreFor(settings: MessagingSettings, env: NodeJS.ProcessEnv): DeadLetterStore {
  const file = env.SMART_MESSAGE_DEAD_LETTERS;
  if (file) return new JsonlDeadLetterStore(resolve(file));
  if (settings.redis) {
    const { prefix, ...connection } = settings.redis;
    // On a cluster the store's keys take part in one MULTI, so they share a slot through the {tag}.
    const tag = 'cluster' in connection ? '{dead-letters}' : 'dead-letters';
    return new RedisDeadLetterStore({ ...connection, prefix: `${prefix}${tag}:` });
  }
  if (env.NODE_ENV === 'test') return new MemoryDeadLetterStore();
  return new JsonlDeadLetterStore(resolve(DEFAULT_DEAD_LETTERS_FILE));
}
