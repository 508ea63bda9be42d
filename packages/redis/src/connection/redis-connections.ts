import { Redis, RedisOptions } from 'ioredis';
import { RedisConnectionOptions } from '../interfaces/redis-connection-options.interface';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Reconnect forever, backing off to 2 s, with jitter so many instances do not reconnect in step. */
export function reconnectDelay(attempt: number): number {
  const ceiling = Math.min(2000, 50 * 2 ** Math.min(attempt, 6));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Opens the connections a transport needs. Commands fail fast while disconnected (no unbounded
 * offline queue): publishers wait for a reconnect themselves, within bounds. Subscriber and
 * blocking-reader connections are separate, since either blocks the connection it uses.
 */
export class RedisConnections {
  private readonly owned: Redis[] = [];

  constructor(
    private readonly options: RedisConnectionOptions,
    private readonly name: string,
  ) {}

  /** The connection for plain commands: the shared client when given. */
  commands(): Redis {
    return this.options.client ?? this.open('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  /** A connection of its own, for SUBSCRIBE or blocking reads. */
  dedicated(role: string): Redis {
    return this.open(role, { enableOfflineQueue: true, maxRetriesPerRequest: null });
  }

  async closeAll(): Promise<void> {
    const clients = this.owned.splice(0);
    await Promise.all(
      clients.map(async (client) => {
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      }),
    );
  }

  private open(role: string, overrides: RedisOptions): Redis {
    const options: RedisOptions = {
      retryStrategy: reconnectDelay,
      connectionName: `${this.name}:${role}`,
      ...this.options.redisOptions,
      ...overrides,
    };
    const client = this.options.client
      ? this.options.client.duplicate(options)
      : new Redis(this.options.url ?? DEFAULT_REDIS_URL, options);
    // ioredis emits connection errors as events; unhandled they would crash the process.
    client.on('error', () => undefined);
    this.owned.push(client);
    return client;
  }
}
