import { Redis } from 'ioredis';
import {
  compileDeadLetterFilter,
  CompiledDeadLetterFilter,
  DeadLetterEntry,
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterStats,
  DeadLetterStatsCounter,
  DeadLetterStore,
  parseStoredDeadLetter,
  resolvePaging,
  toStoredDeadLetter,
} from '@smart-message/nestjs';
import { DEFAULT_REDIS_URL, reconnectDelay } from '../connection/redis-connections';
import { RedisDeadLetterStoreOptions } from './redis-dead-letter-store-options.interface';

const DEFAULT_PREFIX = 'smart-message:dead-letters:';
/** Ids per HMGET or per removal transaction. */
const CHUNK = 500;
/** Commands wait this many reconnects, then fail, so a durable transport keeps an unrecorded message. */
const MAX_RETRIES_PER_REQUEST = 3;

type ScoreBound = number | string;

/**
 * Dead letters in Redis, shared by every instance of a service: a hash of entries (JSON, binary
 * payloads as base64) and a sorted set of their ids by last failure time. Filters on the time
 * range use the sorted set; other filters and stats read the entries in that range.
 */
export class RedisDeadLetterStore implements DeadLetterStore {
  readonly entriesKey: string;
  readonly indexKey: string;
  private readonly client: Redis;
  private readonly ownsClient: boolean;

  constructor(options: RedisDeadLetterStoreOptions = {}) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.entriesKey = `${prefix}entries`;
    this.indexKey = `${prefix}index`;
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new Redis(options.url ?? DEFAULT_REDIS_URL, {
        retryStrategy: reconnectDelay,
        connectionName: 'smart-message:dead-letters',
        maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
        ...options.redisOptions,
      });
    // ioredis emits connection errors as events; unhandled they would crash the process.
    if (this.ownsClient) this.client.on('error', () => undefined);
  }

  async upsert(entry: DeadLetterEntry): Promise<void> {
    await this.transaction((multi) =>
      multi
        .hset(this.entriesKey, entry.id, JSON.stringify(toStoredDeadLetter(entry)))
        .zadd(this.indexKey, Date.parse(entry.lastFailedAt), entry.id),
    );
  }

  async get(id: string): Promise<DeadLetterEntry | undefined> {
    const text = await this.client.hget(this.entriesKey, id);
    return text === null ? undefined : parseStoredDeadLetter(text);
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    const filter = compileDeadLetterFilter(query);
    const { offset, limit, order } = resolvePaging(query);
    const [min, max] = scoreRange(filter);
    const newestFirst = order === 'newest-first';
    if (!filter.hasFieldCriteria) {
      // The index alone answers: count and page in Redis.
      const total = await this.client.zcount(this.indexKey, min, max);
      if (limit === 0 || offset >= total) return { entries: [], total, offset, limit };
      const ids = newestFirst
        ? await this.client.zrevrangebyscore(this.indexKey, max, min, 'LIMIT', offset, limit)
        : await this.client.zrangebyscore(this.indexKey, min, max, 'LIMIT', offset, limit);
      return { entries: await this.fetch(ids), total, offset, limit };
    }
    const matching: DeadLetterEntry[] = [];
    await this.scan(filter, (entry) => matching.push(entry));
    if (newestFirst) matching.reverse();
    return { entries: matching.slice(offset, offset + limit), total: matching.length, offset, limit };
  }

  async stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    const counter = new DeadLetterStatsCounter();
    await this.scan(compileDeadLetterFilter(filter), (entry) => counter.add(entry));
    return counter.result();
  }

  async remove(id: string): Promise<boolean> {
    const [removed] = await this.transaction((multi) => multi.hdel(this.entriesKey, id).zrem(this.indexKey, id));
    return removed === 1;
  }

  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const compiled = compileDeadLetterFilter(filter);
    if (!compiled.hasFieldCriteria && compiled.sinceMs === undefined && compiled.untilMs === undefined) {
      const [count] = await this.transaction((multi) =>
        multi.hlen(this.entriesKey).del(this.entriesKey, this.indexKey),
      );
      return Number(count);
    }
    const ids: string[] = [];
    await this.scan(compiled, (entry) => ids.push(entry.id));
    let removed = 0;
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunk = ids.slice(start, start + CHUNK);
      const [deleted] = await this.transaction((multi) =>
        multi.hdel(this.entriesKey, ...chunk).zrem(this.indexKey, ...chunk),
      );
      removed += Number(deleted);
    }
    return removed;
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** Every entry in the filter's time range that matches it, oldest first. */
  private async scan(filter: CompiledDeadLetterFilter, visit: (entry: DeadLetterEntry) => void): Promise<void> {
    const [min, max] = scoreRange(filter);
    const ids = await this.client.zrangebyscore(this.indexKey, min, max);
    for (let start = 0; start < ids.length; start += CHUNK) {
      for (const entry of await this.fetch(ids.slice(start, start + CHUNK))) {
        if (filter.matches(entry)) visit(entry);
      }
    }
  }

  /** Entries by id, in the given order; ids whose entry is gone (removed meanwhile) are left out. */
  private async fetch(ids: string[]): Promise<DeadLetterEntry[]> {
    if (ids.length === 0) return [];
    const texts = await this.client.hmget(this.entriesKey, ...ids);
    return texts
      .map((text) => (text === null ? undefined : parseStoredDeadLetter(text)))
      .filter((entry): entry is DeadLetterEntry => entry !== undefined);
  }

  private async transaction(
    build: (multi: ReturnType<Redis['multi']>) => ReturnType<Redis['multi']>,
  ): Promise<unknown[]> {
    const replies = await build(this.client.multi()).exec();
    if (replies === null) throw new Error('the Redis transaction of the dead letter store was aborted');
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  }
}

/** The sorted set range of a filter's time range: since inclusive, until exclusive. */
function scoreRange(filter: CompiledDeadLetterFilter): [ScoreBound, ScoreBound] {
  return [filter.sinceMs ?? '-inf', filter.untilMs === undefined ? '+inf' : `(${filter.untilMs}`];
}
