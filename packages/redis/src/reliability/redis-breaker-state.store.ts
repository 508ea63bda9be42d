import type { Redis } from 'ioredis';
import type { BreakerStateStore } from '@smart-message/nestjs';

export interface RedisBreakerStateStoreOptions {
  /** The client to use; the store never closes it. */
  client: Redis;
  /** Key prefix of circuit states (default `smart-message:breaker:`). */
  prefix?: string;
}

/**
 * Shares open circuits between the instances of a service: an open circuit is a key that
 * expires when the circuit would try again, so a crashed instance cannot leave it open forever.
 */
export class RedisBreakerStateStore implements BreakerStateStore {
  private readonly prefix: string;

  constructor(private readonly options: RedisBreakerStateStoreOptions) {
    this.prefix = options.prefix ?? 'smart-message:breaker:';
  }

  async markOpen(circuit: string, untilMs: number): Promise<void> {
    const ttl = Math.max(1, untilMs - Date.now());
    await this.options.client.set(this.key(circuit), String(untilMs), 'PX', ttl);
  }

  async markClosed(circuit: string): Promise<void> {
    await this.options.client.del(this.key(circuit));
  }

  async isOpen(circuit: string): Promise<boolean> {
    return (await this.options.client.exists(this.key(circuit))) === 1;
  }

  private key(circuit: string): string {
    return `${this.prefix}${circuit}`;
  }
}
