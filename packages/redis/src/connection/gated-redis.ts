import type { GatedConnection } from '@smart-message/nestjs/transport-kit';
import { RedisClient } from './redis-client';

/** An ioredis client as the transport kit's `ReconnectGate` sees it. */
export function gatedRedis(client: RedisClient): GatedConnection {
  return {
    isReady: () => client.status === 'ready',
    onceReady: (listener) => void client.once('ready', listener),
    // 'wait' is a lazy client never asked to connect; any other state is connected or reconnecting.
    connectIfIdle: () => {
      if (client.status === 'wait') client.connect().catch(() => undefined);
    },
    isConnectionError,
  };
}

/** ioredis reports a dropped connection only in the message of the command's error. */
function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|Stream isn't writeable|ECONNRESET|ECONNREFUSED|EPIPE|max retries per request|ETIMEDOUT/i.test(
    message,
  );
}
