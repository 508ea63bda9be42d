import type { RedisClient } from '../connection/redis-client';
import type { FrameRejectionReason } from '@smart-message/nestjs/transport-kit';

/** An entry set aside from a message stream, with why. */
export interface SetAsideEntry {
  stream: string;
  id: string;
  reason: FrameRejectionReason;
  error: string;
  deliveries: number;
  frame: Buffer | null;
}

/**
 * Keeps entries a consumer gives up on (undecodable, poison, trimmed) in a stream beside the
 * message stream, so they are acknowledged only once they are recorded somewhere durable.
 */
export class DeadLetterStream {
  constructor(
    private readonly client: () => RedisClient,
    private readonly suffix: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly maxLen = 10_000,
  ) {}

  keyOf(stream: string): string {
    return `${stream}${this.suffix}`;
  }

  async record(entry: SetAsideEntry): Promise<void> {
    await this.client().xadd(
      this.keyOf(entry.stream),
      'MAXLEN',
      '~',
      this.maxLen,
      '*',
      'reason',
      entry.reason,
      'error',
      entry.error,
      'originalId',
      entry.id,
      'group',
      this.group,
      'consumer',
      this.consumer,
      'deliveries',
      String(entry.deliveries),
      'at',
      new Date().toISOString(),
      'frame',
      entry.frame ?? '',
    );
  }
}
