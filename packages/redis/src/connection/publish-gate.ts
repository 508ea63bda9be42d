import type { Redis } from 'ioredis';
import { PublishBufferFullError } from '../errors/publish-buffer-full.error';
import { RedisUnavailableError } from '../errors/redis-unavailable.error';

/**
 * Runs publish commands so that an outage neither drops them nor buffers them without bound:
 * while Redis is away a call waits for the reconnect (at most `timeoutMs`, at most `maxWaiting`
 * calls at once) and is then sent; past either bound it fails with a typed error.
 */
export class PublishGate {
  private waiting = 0;
  private readyPromise?: Promise<void>;

  constructor(
    private readonly client: Redis,
    private readonly timeoutMs: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(command: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (let failures = 0; ; failures++) {
      if (this.client.status !== 'ready') await this.waitForReady(deadline);
      try {
        return await command();
      } catch (error) {
        // A command error on a healthy connection is the caller's; a dropped connection is retried.
        if (this.client.status === 'ready' && !isConnectionError(error)) throw error;
        if (Date.now() >= deadline) throw new RedisUnavailableError(this.timeoutMs, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** Math.min(failures, 6))));
      }
    }
  }

  private async waitForReady(deadline: number): Promise<void> {
    if (this.waiting >= this.maxWaiting) throw new PublishBufferFullError(this.maxWaiting);
    this.waiting++;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new RedisUnavailableError(this.timeoutMs)), Math.max(0, deadline - Date.now()));
      });
      await Promise.race([this.ready(), timedOut]);
    } finally {
      clearTimeout(timer);
      this.waiting--;
    }
  }

  /** One listener for every waiting publish, however many there are. */
  private ready(): Promise<void> {
    this.readyPromise ??= new Promise<void>((resolve) =>
      this.client.once('ready', () => {
        this.readyPromise = undefined;
        resolve();
      }),
    );
    return this.readyPromise;
  }
}

function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|Stream isn't writeable|ECONNRESET|ECONNREFUSED|EPIPE|max retries per request|ETIMEDOUT/i.test(
    message,
  );
}
