import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { MessageLogger } from '@smart-message/nestjs';
import { InFlightLimit, ReconnectGate } from '@smart-message/nestjs/transport-kit';
import { PublishBufferFullError } from '../errors/publish-buffer-full.error';
import { RedisUnavailableError } from '../errors/redis-unavailable.error';
import { RedisConnectionOptions } from '../interfaces/redis-connection-options.interface';
import { gatedRedis } from './gated-redis';
import { openRedisConnection, RedisConnectionProfile, sharedOrOwnConnection } from './open-redis-connection';
import { OutageLog } from './outage-log';
import { isClusterClient, RedisClient } from './redis-client';
import { resolveRedisConnection, ResolvedRedisConnection } from './resolve-redis-connection';
import { waitUntilReady } from './wait-until-ready';

/**
 * The connections of one transport. Commands fail fast while disconnected (no unbounded offline
 * queue): publishers wait for a reconnect themselves, within bounds. Subscriber and
 * blocking-reader connections are separate, since either blocks the connection it uses.
 *
 * In cluster mode each connection is an ioredis Cluster (one socket per node). Its offline queue
 * stays on, since that is where ioredis parks a command during a failover to retry it on the
 * promoted replica; publishes are still bounded by the gate while the whole cluster is unreachable.
 */
export class RedisConnections {
  private readonly owned: RedisClient[] = [];
  private readonly outages: OutageLog;
  private readonly connection: ResolvedRedisConnection;

  constructor(
    options: RedisConnectionOptions,
    private readonly name: string,
    logger?: MessageLogger,
  ) {
    this.connection = resolveRedisConnection(options);
    this.outages = new OutageLog(name, logger, (back) => this.reconnectOthers(back));
  }

  get connectTimeoutMs(): number {
    return this.connection.connectTimeoutMs;
  }

  /** Whether the connections are Redis Cluster clients. */
  get isCluster(): boolean {
    return this.connection.isCluster;
  }

  /** The connection for plain commands: the shared client when given. */
  commands(): RedisClient {
    const { client, owned } = sharedOrOwnConnection(this.connection, {
      ...this.profile('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
      clusterRequired: {},
    });
    if (owned) this.own(client, 'commands');
    return client;
  }

  /**
   * A connection of its own, for SUBSCRIBE or blocking reads; `whenLost` says what an outage
   * costs, `required` adds options the role depends on, `clusterRequired` those of the Cluster itself.
   */
  dedicated(
    role: string,
    whenLost?: string,
    required: RedisOptions = {},
    clusterRequired?: ClusterOptions,
  ): RedisClient {
    const node: RedisOptions = { maxRetriesPerRequest: null, ...required };
    const client = openRedisConnection(this.connection, {
      ...this.profile(role, { enableOfflineQueue: true, ...node }),
      clusterRequired: { node, cluster: clusterRequired },
    });
    this.own(client, role, whenLost);
    return client;
  }

  /**
   * Resolves when `client` is ready; fails within `connectTimeoutMs` with a RedisConnectionError
   * naming host, port, cause and `activity` (e.g. `connecting the publisher`).
   */
  ready(client: RedisClient, activity: string): Promise<void> {
    return waitUntilReady(client, activity, this.connection.connectTimeoutMs);
  }

  /**
   * Runs commands on `client` so that an outage neither drops them nor queues them without bound:
   * each waits for the reconnect at most `publishTimeoutMs`, at most `maxBufferedPublishes` at once.
   */
  gate(client: RedisClient): ReconnectGate {
    return new ReconnectGate(gatedRedis(client), {
      timeoutMs: this.connection.publishTimeoutMs,
      maxWaiting: this.connection.maxBufferedPublishes,
      unavailable: (timeoutMs, options) => new RedisUnavailableError(timeoutMs, options),
      full: (limit) => new PublishBufferFullError(limit),
    });
  }

  /** At most `limit` operations at once; waiting for a slot counts against `maxBufferedPublishes`, as waiting for a reconnect does. */
  inFlightLimit(limit: number): InFlightLimit {
    return new InFlightLimit(limit, {
      max: this.connection.maxBufferedPublishes,
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

  private profile(role: string, required: RedisConnectionProfile['required']): RedisConnectionProfile {
    return { name: `${this.name}:${role}`, required };
  }

  /** Closed by closeAll; its losses and recoveries go to the outage log, which startup's failures do not. */
  private own(client: RedisClient, role: string, whenLost?: string): void {
    this.outages.watch(client, role, whenLost);
    this.owned.push(client);
  }

  /**
   * One connection is back, so the server is: the others retry now instead of at the end of
   * their backoff. Their scheduled attempt is cancelled first (ioredis 5 and 6 keep it in
   * `reconnectTimeout`), so no stale timer reconnects a client after it was closed.
   */
  private reconnectOthers(back: RedisClient): void {
    for (const client of this.owned) {
      // A Cluster reconnects node by node on its own schedule (clusterRetryStrategy).
      if (client === back || isClusterClient(client) || client.status !== 'reconnecting') continue;
      const scheduled = client as unknown as { reconnectTimeout?: NodeJS.Timeout | null };
      if (!scheduled.reconnectTimeout) continue;
      clearTimeout(scheduled.reconnectTimeout);
      scheduled.reconnectTimeout = null;
      client.connect().catch(() => undefined);
    }
  }
}
