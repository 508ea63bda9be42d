import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../connection/redis-client';
import { DeduplicationStore, InvalidMessageOptionsError, MessageLogger } from '@smart-message/nestjs';
import {
  DeduplicationCheck,
  DeduplicationMark,
  DeduplicationRequest,
  deduplicationKey,
  MarkRenewals,
} from '@smart-message/nestjs/transport-kit';
import { sharedOrOwnConnection } from '../connection/open-redis-connection';
import { resolveRedisConnection, STORE_CONNECT_TIMEOUT_MS } from '../connection/resolve-redis-connection';
import { RedisDeduplicationStoreOptions } from '../interfaces/redis-deduplication-store-options.interface';
import { RedisClusterConfigError } from '../errors/redis-cluster-config.error';
import { BEGIN_SCRIPT, COMPLETE_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from './deduplication-scripts';

export const DEFAULT_DEDUPLICATION_PREFIX = 'smart-message:dedup:';
export const DEFAULT_DEDUPLICATION_TTL_SECONDS = 3600;
export const DEFAULT_DEDUPLICATION_LEASE_MS = 30_000;

const silentLogger: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Remembers processed uuids in Redis, so every instance of a service shares one memory per
 * handler: a processed key per handler and uuid that expires after `ttlSeconds`, and an
 * in-progress mark taken with SET NX PX as a lease that the holder renews while its handler runs.
 * A holder that dies stops renewing, and its mark lapses after at most `leaseMs`.
 */
export class RedisDeduplicationStore implements DeduplicationStore {
  readonly prefix: string;
  readonly ttlSeconds: number;
  readonly leaseMs: number;
  private readonly client: RedisClient;
  private readonly ownsClient: boolean;
  private readonly logger: MessageLogger;
  private readonly renewals: MarkRenewals;
  private closed?: Promise<void>;

  constructor(options: RedisDeduplicationStoreOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_DEDUPLICATION_PREFIX;
    const connection = resolveRedisConnection(options);
    // Every key carries its own {handler:uuid} tag, so a script's two keys share a slot and
    // handlers spread over the cluster; a tag in the prefix would hash every key to one slot.
    if (connection.isCluster && /[{}]/.test(this.prefix))
      throw new RedisClusterConfigError(
        `the deduplication store prefix "${this.prefix}" contains "{" or "}"`,
        'Each key is tagged with its handler and uuid by the store: use a prefix without braces.',
      );
    this.ttlSeconds = positiveInteger(options.ttlSeconds, DEFAULT_DEDUPLICATION_TTL_SECONDS, 'ttlSeconds');
    this.leaseMs = positiveInteger(options.leaseMs, DEFAULT_DEDUPLICATION_LEASE_MS, 'leaseMs');
    this.logger = options.logger ?? silentLogger;
    this.renewals = new MarkRenewals(
      this.leaseMs,
      this.logger,
      async (mark) =>
        Number(await this.client.eval(RENEW_SCRIPT, 2, ...this.keys(mark), mark.token, this.leaseMs)) === 1,
    );
    const { client, owned } = sharedOrOwnConnection(connection, {
      name: 'smart-message:dedup',
      // A check that cannot reach Redis fails the delivery (redelivered later on Streams) rather than waiting forever.
      defaults: { connectTimeout: STORE_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 2 },
    });
    this.client = client;
    this.ownsClient = owned;
  }

  async begin(request: DeduplicationRequest): Promise<DeduplicationCheck> {
    const token = randomUUID();
    const status = (await this.client.eval(
      BEGIN_SCRIPT,
      2,
      ...this.keys(request),
      token,
      this.leaseMs,
    )) as DeduplicationCheck['status'];
    if (status !== 'new') return { status };
    const mark: DeduplicationMark = { ...request, token };
    this.renewals.keep(mark);
    return { status, mark };
  }

  async complete(mark: DeduplicationMark): Promise<void> {
    this.renewals.stop(mark);
    await this.client.eval(COMPLETE_SCRIPT, 2, ...this.keys(mark), mark.token, this.ttlSeconds);
  }

  async release(mark: DeduplicationMark): Promise<void> {
    this.renewals.stop(mark);
    await this.client.eval(RELEASE_SCRIPT, 2, ...this.keys(mark), mark.token);
  }

  /** Stops renewing marks and closes the connection the store opened (never a client it was given). */
  close(): Promise<void> {
    // Once only: a second quit on an ended ioredis client leaves a timer behind that keeps the process alive.
    this.closed ??= this.closeOnce();
    return this.closed;
  }

  /**
   * The processed key and the in-progress key of a handler, sender and uuid. Both share one
   * base, so one hash tag and one Redis Cluster slot, whatever braces `from` holds.
   */
  keys(request: DeduplicationRequest): [processed: string, inProgress: string] {
    const base = `${this.prefix}{${request.handlerId}:${deduplicationKey(request)}}`;
    return [`${base}:processed`, `${base}:in-progress`];
  }

  private async closeOnce(): Promise<void> {
    this.renewals.stopAll();
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidMessageOptionsError(`RedisDeduplicationStore: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
