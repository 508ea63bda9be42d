import type { RedisClient } from '../connection/redis-client';
import {
  DeadLetterEntry,
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterStats,
  DeadLetterStore,
  toStoredDeadLetter,
  UndeliverableReason,
} from '@smart-message/nestjs';
import {
  compileDeadLetterFilter,
  CompiledDeadLetterFilter,
  DeadLetterBounds,
  DeadLetterIndexFields,
  deadLetterSize,
  DeadLetterStatsCounter,
  EvictedDeadLetter,
  evictedDeadLetter,
  parseStoredDeadLetter,
  reportEvictions,
  resolveDeadLetterBounds,
  resolvePaging,
} from '@smart-message/nestjs/transport-kit';
import { sharedOrOwnConnection } from '../connection/open-redis-connection';
import { resolveRedisConnection, STORE_CONNECT_TIMEOUT_MS } from '../connection/resolve-redis-connection';
import { hashTagOf } from '../cluster/hash-slot';
import { RedisClusterConfigError } from '../errors/redis-cluster-config.error';
import { REMOVE_SCRIPT, UPSERT_SCRIPT } from './dead-letter-scripts';
import { RedisDeadLetterStoreOptions } from './redis-dead-letter-store-options.interface';

const DEFAULT_PREFIX = 'smart-message:dead-letters:';
/**
 * In cluster mode the four keys share a hash tag, so the MULTI and scripts over them stay in one
 * slot (one shard holds the whole store: dead letters are few and small).
 */
const DEFAULT_CLUSTER_PREFIX = 'smart-message:{dead-letters}:';
/** Ids per HMGET or per removal script. */
const CHUNK = 500;
/** Commands wait this many reconnects, then fail, so a durable transport keeps an unrecorded message. */
const MAX_RETRIES_PER_REQUEST = 3;
const STORE_NAME = 'RedisDeadLetterStore';

type ScoreBound = number | string;

/** An entry's index fields as kept in Redis: short keys, as there is one per entry. */
interface StoredFields {
  r: UndeliverableReason;
  t: string;
  b: number;
  c?: string;
  h?: string;
}

interface IndexedId {
  id: string;
  fields: DeadLetterIndexFields;
}

/**
 * Dead letters in Redis, shared by every instance of a service: a hash of entries (JSON, binary
 * payloads as base64), a sorted set of their ids by last failure time, a hash of each entry's
 * small index fields (reason, message type, handler, time, size) and a hash of counters (bytes
 * held, entries evicted). Filters and stats read the index fields only; a list fetches the
 * entries of its page and no others. Bounded in entries and bytes: the write that crosses a
 * bound evicts the entries of oldest last failure.
 */
export class RedisDeadLetterStore implements DeadLetterStore {
  readonly entriesKey: string;
  readonly indexKey: string;
  /** Index fields by id: what filters and stats read instead of the entries. */
  readonly fieldsKey: string;
  /** `bytes` held and entries `evicted`, for the whole store. */
  readonly countersKey: string;
  private readonly client: RedisClient;
  private readonly ownsClient: boolean;
  private readonly bounds: DeadLetterBounds;

  constructor(options: RedisDeadLetterStoreOptions = {}) {
    this.bounds = resolveDeadLetterBounds(options, STORE_NAME);
    const connection = resolveRedisConnection(options);
    const prefix = options.prefix ?? (connection.isCluster ? DEFAULT_CLUSTER_PREFIX : DEFAULT_PREFIX);
    if (connection.isCluster && hashTagOf(prefix) === prefix)
      throw new RedisClusterConfigError(
        `the dead letter store prefix "${prefix}" has no hash tag`,
        "In cluster mode its keys must share a slot: put a {tag} in the prefix (default 'smart-message:{dead-letters}:').",
      );
    this.entriesKey = `${prefix}entries`;
    this.indexKey = `${prefix}index`;
    this.fieldsKey = `${prefix}fields`;
    this.countersKey = `${prefix}counters`;
    const { client, owned } = sharedOrOwnConnection(connection, {
      name: 'smart-message:dead-letters',
      defaults: { connectTimeout: STORE_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST },
    });
    this.client = client;
    this.ownsClient = owned;
  }

  async upsert(entry: DeadLetterEntry): Promise<void> {
    const text = JSON.stringify(toStoredDeadLetter(entry));
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.bounds.maxBytes) {
      await this.client.hincrby(this.countersKey, 'evicted', 1);
      reportEvictions(STORE_NAME, this.bounds, [evictedDeadLetter(entry, deadLetterSize(entry))]);
      return;
    }
    const reply = (await this.client.eval(
      UPSERT_SCRIPT,
      4,
      ...this.keys(),
      entry.id,
      text,
      Date.parse(entry.lastFailedAt),
      JSON.stringify(storedFields(entry, bytes)),
      bytes,
      this.bounds.maxEntries,
      this.bounds.maxBytes,
    )) as (string | number)[];
    const evicted: EvictedDeadLetter[] = [];
    for (let index = 0; index + 2 < reply.length; index += 3) {
      const fields = parseFields(String(reply[index + 1]));
      evicted.push({
        id: String(reply[index]),
        ...(fields?.messageClass === undefined ? {} : { messageClass: fields.messageClass }),
        reason: fields?.reason ?? 'unknown',
        bytes: Number(reply[index + 2]),
      });
    }
    reportEvictions(STORE_NAME, this.bounds, evicted);
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
    // Filtered on the index fields; only the page's entries are read.
    const matching = await this.matching(filter);
    if (newestFirst) matching.reverse();
    const page = matching.slice(offset, offset + limit).map((indexed) => indexed.id);
    return { entries: await this.fetch(page), total: matching.length, offset, limit };
  }

  async stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    const counter = new DeadLetterStatsCounter();
    for (const { fields } of await this.matching(compileDeadLetterFilter(filter))) counter.addFields(fields);
    const evicted = await this.client.hget(this.countersKey, 'evicted');
    return counter.result(Number(evicted ?? 0));
  }

  async remove(id: string): Promise<boolean> {
    return (await this.removeIds([id])) === 1;
  }

  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const compiled = compileDeadLetterFilter(filter);
    if (!compiled.hasFieldCriteria && compiled.sinceMs === undefined && compiled.untilMs === undefined) {
      const [count] = await this.transaction((multi) =>
        multi
          .hlen(this.entriesKey)
          .del(this.entriesKey, this.indexKey, this.fieldsKey)
          .hset(this.countersKey, 'bytes', 0),
      );
      return Number(count);
    }
    return this.removeIds((await this.matching(compiled)).map((indexed) => indexed.id));
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private keys(): [string, string, string, string] {
    return [this.entriesKey, this.indexKey, this.fieldsKey, this.countersKey];
  }

  private async removeIds(ids: string[]): Promise<number> {
    let removed = 0;
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunk = ids.slice(start, start + CHUNK);
      removed += Number(await this.client.eval(REMOVE_SCRIPT, 4, ...this.keys(), ...chunk));
    }
    return removed;
  }

  /** Ids in the filter's time range whose index fields match it, oldest first; reads no entry. */
  private async matching(filter: CompiledDeadLetterFilter): Promise<IndexedId[]> {
    const [min, max] = scoreRange(filter);
    const ids = await this.client.zrangebyscore(this.indexKey, min, max);
    const matching: IndexedId[] = [];
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunk = ids.slice(start, start + CHUNK);
      const texts = await this.client.hmget(this.fieldsKey, ...chunk);
      const missing = chunk.filter((_id, index) => texts[index] === null);
      // Entries written before index fields were kept: read once, and their fields kept from then on.
      const backfilled = missing.length > 0 ? await this.backfill(missing) : new Map<string, DeadLetterIndexFields>();
      chunk.forEach((id, index) => {
        const text = texts[index];
        const fields = text === null || text === undefined ? backfilled.get(id) : parseFields(text);
        if (fields !== undefined && filter.matchesFields(fields)) matching.push({ id, fields });
      });
    }
    return matching;
  }

  private async backfill(ids: string[]): Promise<Map<string, DeadLetterIndexFields>> {
    const found = new Map<string, DeadLetterIndexFields>();
    const texts = await this.client.hmget(this.entriesKey, ...ids);
    for (const [index, text] of texts.entries()) {
      const entry = text === null ? undefined : parseStoredDeadLetter(text);
      if (entry === undefined || text === null) continue;
      const bytes = Buffer.byteLength(text, 'utf8');
      const fields = storedFields(entry, bytes);
      if ((await this.client.hsetnx(this.fieldsKey, entry.id, JSON.stringify(fields))) === 1) {
        await this.client.hincrby(this.countersKey, 'bytes', bytes);
      }
      found.set(ids[index] as string, indexFields(fields));
    }
    return found;
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
    build: (multi: ReturnType<RedisClient['multi']>) => ReturnType<RedisClient['multi']>,
  ): Promise<unknown[]> {
    const replies = await build(this.client.multi()).exec();
    if (replies === null) throw new Error('the Redis transaction of the dead letter store was aborted');
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply;
    });
  }
}

function storedFields(entry: DeadLetterEntry, bytes: number): StoredFields {
  const messageClass = entry.envelope?.header.messageClass;
  return {
    r: entry.reason,
    t: entry.lastFailedAt,
    b: bytes,
    ...(messageClass === undefined ? {} : { c: messageClass }),
    ...(entry.handlerId === undefined ? {} : { h: entry.handlerId }),
  };
}

function indexFields(stored: StoredFields): DeadLetterIndexFields {
  return {
    reason: stored.r,
    lastFailedAt: stored.t,
    ...(stored.c === undefined ? {} : { messageClass: stored.c }),
    ...(stored.h === undefined ? {} : { handlerId: stored.h }),
  };
}

function parseFields(text: string): DeadLetterIndexFields | undefined {
  if (text === '') return undefined;
  try {
    const stored = JSON.parse(text) as StoredFields;
    return typeof stored.r === 'string' && typeof stored.t === 'string' ? indexFields(stored) : undefined;
  } catch {
    return undefined;
  }
}

/** The sorted set range of a filter's time range: since inclusive, until exclusive. */
function scoreRange(filter: CompiledDeadLetterFilter): [ScoreBound, ScoreBound] {
  return [filter.sinceMs ?? '-inf', filter.untilMs === undefined ? '+inf' : `(${filter.untilMs}`];
}
