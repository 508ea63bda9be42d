import { Client, type ClientConfig, type Notification } from 'pg';
import { MessageLogger } from '@smart-message/nestjs';
import { backoffDelay } from '@smart-message/nestjs/transport-kit';

const RECONNECT = { baseMs: 100, maxMs: 5000, jitter: true } as const;

/**
 * One dedicated connection that LISTENs on the schema's wake channel and calls `onWake(class)`
 * per notification. A hint only: it may miss notifications (a dropped connection replays
 * nothing), so every consumer polls as well. After a reconnect it calls `onReconnect`, so the
 * consumers look at once for what was published while it was away.
 */
export class WakeListener {
  private client?: Client;
  private stopped = false;
  private failures = 0;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly onWake: (messageClass: string) => void,
    private readonly onReconnect: () => void,
    private readonly logger: MessageLogger,
  ) {}

  /** Whether LISTEN is in place right now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects and LISTENs; a failure is logged and retried in the background, never thrown. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ ...this.config, keepAlive: true });
    // pg emits socket errors as events; unhandled they would crash the process.
    client.on('error', () => undefined);
    client.on('notification', (notification: Notification) => {
      if (notification.channel === this.channel && notification.payload) this.onWake(notification.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    client.once('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.lost(new Error('the LISTEN connection ended'));
    });
    this.client = client;
    if (this.failures > 0) {
      this.logger.log('PostgreSQL LISTEN is back', { channel: this.channel });
      this.failures = 0;
      this.onReconnect();
    }
  }

  private lost(error: Error): void {
    if (this.stopped) return;
    if (this.failures === 0)
      this.logger.warn('PostgreSQL LISTEN connection lost; consumers poll until it is back', {
        channel: this.channel,
        error: error.message,
      });
    this.failures++;
    this.retry = setTimeout(() => void this.connect(), backoffDelay(this.failures, RECONNECT));
  }
}
