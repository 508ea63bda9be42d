import { Redis, RedisOptions } from 'ioredis';
import type { MessageLogger } from '@smart-message/nestjs';
import { InFlightLimit, ReconnectGate } from '@smart-message/nestjs/transport-kit';
import { PublishBufferFullError } from '../errors/publish-buffer-full.error';
import { RedisUnavailableError } from '../errors/redis-unavailable.error';
import { RedisConnectionOptions } from '../interfaces/redis-connection-options.interface';
import { gatedRedis } from './gated-redis';
import { OutageLog } from './outage-log';
import { assertRedisUrl } from './redis-url';
import { waitUntilReady } from './wait-until-ready';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Longest wait between reconnect attempts: a publish waiting for Redis waits at most this long after it is back. */
export const MAX_RECONNECT_DELAY_MS = 250;

/**
 * Reconnect forever, backing off to MAX_RECONNECT_DELAY_MS, with jitter so many instances do
 * not reconnect in step. An attempt to a server that is down costs one refused TCP connect.
 */
export function reconnectDelay(attempt: number): number {
  const ceiling = Math.min(MAX_RECONNECT_DELAY_MS, 25 * 2 ** Math.min(attempt, 6));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Opens the connections a transport needs. Commands fail fast while disconnected (no unbounded
 * offline queue): publishers wait for a reconnect themselves, within bounds. Subscriber and
 * blocking-reader connections are separate, since either blocks the connection it uses.
 */
export class RedisConnections {
  private readonly owned: Redis[] = [];
  private readonly outages: OutageLog;
  readonly connectTimeoutMs: number;

  constructor(
    private readonly options: RedisConnectionOptions,
    private readonly name: string,
    logger?: MessageLogger,
  ) {
    // Refused here, at construction: a wrong url is a configuration error, not an outage.
    if (!options.client) assertRedisUrl(options.url ?? DEFAULT_REDIS_URL);
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.outages = new OutageLog(name, logger, (back) => this.reconnectOthers(back));
  }

  /** The connection for plain commands: the shared client when given. */
  commands(): Redis {
    return this.options.client ?? this.open('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  /** A connection of its own, for SUBSCRIBE or blocking reads; `whenLost` says what an outage costs. */
  dedicated(role: string, whenLost?: string): Redis {
    return this.open(role, { enableOfflineQueue: true, maxRetriesPerRequest: null }, whenLost);
  }

  /**
   * Resolves when `client` is ready; fails within `connectTimeoutMs` with a RedisConnectionError
   * naming host, port, cause and `activity` (e.g. `connecting the publisher`).
   */
  ready(client: Redis, activity: string): Promise<void> {
    return waitUntilReady(client, activity, this.connectTimeoutMs);
  }

  /**
   * Runs commands on `client` so that an outage neither drops them nor queues them without bound:
   * each waits for the reconnect at most `publishTimeoutMs`, at most `maxBufferedPublishes` at once.
   */
  gate(client: Redis): ReconnectGate {
    return new ReconnectGate(gatedRedis(client), {
      timeoutMs: this.options.publishTimeoutMs ?? 10_000,
      maxWaiting: this.options.maxBufferedPublishes ?? 10_000,
      unavailable: (timeoutMs, options) => new RedisUnavailableError(timeoutMs, options),
      full: (limit) => new PublishBufferFullError(limit),
    });
  }

  /** At most `limit` operations at once; waiting for a slot counts against `maxBufferedPublishes`, as waiting for a reconnect does. */
  inFlightLimit(limit: number): InFlightLimit {
    return new InFlightLimit(limit, {
      max: this.options.maxBufferedPublishes ?? 10_000,
      refuse: (max) => new PublishBufferFullError(max),
    });
  }

  async closeAll(): Promise<void> {
    this.outages.stop();
    const clients = this.owned.splice(0);
    await Promise.all(
      clients.map(async (client) => {
        try {
          // A client that never connected would wait for its reconnect to QUIT.
          if (client.status === 'ready') await client.quit();
          else client.disconnect();
        } catch {
          client.disconnect();
        }
      }),
    );
  }

  private open(role: string, overrides: RedisOptions, whenLost?: string): Redis {
    const options: RedisOptions = {
      retryStrategy: reconnectDelay,
      connectionName: `${this.name}:${role}`,
      connectTimeout: this.connectTimeoutMs,
      ...this.options.redisOptions,
      ...overrides,
    };
    const client = this.options.client
      ? this.options.client.duplicate(options)
      : new Redis(this.options.url ?? DEFAULT_REDIS_URL, options);
    // ioredis emits connection errors as events (unhandled they would crash the process): the
    // outage log reports them once per outage, startup reports them as RedisConnectionError.
    client.on('error', () => undefined);
    this.outages.watch(client, role, whenLost);
    this.owned.push(client);
    return client;
  }

  /**
   * One connection is back, so the server is: the others retry now instead of at the end of
   * their backoff. Their scheduled attempt is cancelled first (ioredis 5 and 6 keep it in
   * `reconnectTimeout`), so no stale timer reconnects a client after it was closed.
   */
  private reconnectOthers(back: Redis): void {
    for (const client of this.owned) {
      if (client === back || client.status !== 'reconnecting') continue;
      const scheduled = client as unknown as { reconnectTimeout?: NodeJS.Timeout | null };
      if (!scheduled.reconnectTimeout) continue;
      clearTimeout(scheduled.reconnectTimeout);
      scheduled.reconnectTimeout = null;
      client.connect().catch(() => undefined);
    }
  }
}
