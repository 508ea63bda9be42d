import { InvalidOptionError } from '@smart-message/nestjs';
import type { BreakerStateStore, MessageLogger } from '@smart-message/nestjs';
import type { RedisConnectionOptions } from '../interfaces/redis-connection-options.interface';

/** The store opens no connection of its own: `client` (never closed by the store) is required. */
export interface RedisBreakerStateStoreOptions extends Required<Pick<RedisConnectionOptions, 'client'>> {
  /**
   * Start of every key: `<prefix><circuit>` (default `smart-message:breaker:`). Circuit names are
   * handler ids, unique within a service, not across services: services that share a Redis need
   * prefixes of their own, as with the transports and the deduplication store.
   */
  prefix?: string;
  /**
   * The longest open period the store believes (default 600000 ms). A key that would stay longer,
   * that has no expiry or whose value is not an epoch time is not one this store wrote: it is
   * ignored and reported, so a stray or forged key cannot hold a circuit open indefinitely.
   */
  maxOpenMs?: number;
  /** Where an ignored key is reported (once per circuit). */
  logger?: MessageLogger;
}

const DEFAULT_PREFIX = 'smart-message:breaker:';
const DEFAULT_MAX_OPEN_MS = 600_000;
/** What the store writes: an epoch time in milliseconds. */
const EPOCH_MS = /^\d{1,15}$/;

/**
 * Shares open circuits between the instances of a service: an open circuit is a key that
 * expires when the circuit would try again, so a crashed instance cannot leave it open forever.
 *
 * It trusts whoever can write keys under its prefix: such a writer can open a circuit (pausing
 * that handler or publisher for at most `maxOpenMs`), never close one an instance opened itself
 * nor make a message be handled. Restrict the prefix with a Redis ACL (docs/reliability.md).
 */
export class RedisBreakerStateStore implements BreakerStateStore {
  private readonly prefix: string;
  private readonly maxOpenMs: number;
  /** Circuits whose ignored key was already reported: the process's own circuit names, so bounded. */
  private readonly reported = new Set<string>();

  constructor(private readonly options: RedisBreakerStateStoreOptions) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.maxOpenMs = options.maxOpenMs ?? DEFAULT_MAX_OPEN_MS;
    if (typeof this.prefix !== 'string' || this.prefix === '') {
      throw new InvalidOptionError(
        'RedisBreakerStateStore',
        'prefix',
        this.prefix,
        `a non-empty string (keep the default ${JSON.stringify(DEFAULT_PREFIX)} or give each service one of its own)`,
      );
    }
    if (!Number.isInteger(this.maxOpenMs) || this.maxOpenMs < 1) {
      throw new InvalidOptionError(
        'RedisBreakerStateStore',
        'maxOpenMs',
        this.maxOpenMs,
        'a positive integer of milliseconds',
      );
    }
  }

  async markOpen(circuit: string, untilMs: number): Promise<void> {
    const ttl = Math.min(this.maxOpenMs, Math.max(1, untilMs - Date.now()));
    await this.options.client.set(this.key(circuit), String(Date.now() + ttl), 'PX', ttl);
  }

  async markClosed(circuit: string): Promise<void> {
    await this.options.client.del(this.key(circuit));
  }

  async isOpen(circuit: string): Promise<boolean> {
    const key = this.key(circuit);
    const replies = await this.options.client.multi().get(key).pttl(key).exec();
    const value = replies?.[0]?.[1];
    const ttl = replies?.[1]?.[1];
    if (value === null || value === undefined) return false;
    if (
      typeof value === 'string' &&
      EPOCH_MS.test(value) &&
      typeof ttl === 'number' &&
      ttl > 0 &&
      ttl <= this.maxOpenMs
    )
      return true;
    this.reportIgnored(circuit, key, value, ttl);
    return false;
  }

  private reportIgnored(circuit: string, key: string, value: unknown, ttl: unknown): void {
    if (this.reported.has(circuit)) return;
    this.reported.add(circuit);
    this.options.logger?.warn(
      `Ignored breaker key ${key}: RedisBreakerStateStore writes an epoch time with an expiry of at most ` +
        `${this.maxOpenMs} ms, this key holds ${JSON.stringify(String(value).slice(0, 64))} with ttl ${String(ttl)} ms. ` +
        'Delete it, and check who may write under this prefix (a Redis ACL can restrict it to the services)',
      { circuit, key },
    );
  }

  private key(circuit: string): string {
    return `${this.prefix}${circuit}`;
  }
}
