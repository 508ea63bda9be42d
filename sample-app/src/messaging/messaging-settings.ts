import { MessagingConfigError } from './messaging-config.error';
import { memoryMode } from './modes/memory.mode';
import { MessagingMode, MessagingSettings } from './modes/messaging-mode';
import { natsMode } from './modes/nats.mode';
import { postgresMode } from './modes/postgres.mode';
import { rabbitMqMode } from './modes/rabbitmq.mode';
import { redisClusterMode } from './modes/redis-cluster.mode';
import { redisMode } from './modes/redis.mode';

export type { MessagingSettings } from './modes/messaging-mode';

/** Every value of `SMART_MESSAGE_TRANSPORT`; a new broker is one file under `modes/` and one entry here. */
export const MESSAGING_MODES: readonly MessagingMode[] = [
  memoryMode,
  redisMode,
  postgresMode,
  rabbitMqMode,
  natsMode,
  redisClusterMode,
];

/**
 * `SMART_MESSAGE_TRANSPORT=memory|redis|postgres|rabbitmq|nats|redis-cluster` (default memory), then the variables of
 * that mode (see its file under `modes/` and the README's Environment table).
 */
export function readMessagingSettings(env: NodeJS.ProcessEnv): MessagingSettings {
  const name = env.SMART_MESSAGE_TRANSPORT || memoryMode.name;
  const mode = MESSAGING_MODES.find((candidate) => candidate.name === name);
  if (!mode) {
    const names = MESSAGING_MODES.map((candidate) => candidate.name);
    throw new MessagingConfigError(
      'SMART_MESSAGE_TRANSPORT',
      `SMART_MESSAGE_TRANSPORT must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)}, got "${name}"`,
    );
  }
  return mode.read(env);
}
