import type { Socket } from 'node:net';
import { Client, type ClientConfig, type Notification } from 'pg';
import { MessageLogger } from '@smart-message/nestjs';
import { backoffDelay } from '@smart-message/nestjs/transport-kit';
import { DownPoller } from './down-poller';

const RECONNECT = { baseMs: 100, maxMs: 5000, jitter: true } as const;
/**
 * Idle time before the OS probes the LISTEN socket. `pg` passes 0 when unset, which leaves
 * Linux's default of two hours: a peer that vanished would go unnoticed all that time.
 */
const KEEPALIVE_DELAY_MS = 10_000;

export interface WakeListenerSettings {
  /** Connection settings of the LISTEN connection. */
  config: ClientConfig;
  channel: string;
  /** How often the connection is asked whether it still LISTENs. */
  heartbeatMs: number;
  /** How long a heartbeat (and the LISTEN itself) may take before the connection counts as dead. */
  heartbeatTimeoutMs: number;
  /** Wake every consumer this often while LISTEN is down; undefined when their own poll is that fast. */
  downPollMs?: number;
}

export interface WakeListenerCallbacks {
  /** A NOTIFY arrived: its payload names a consumer group (a message class, from older publishers). */
  wake(payload: string): void;
  /** Every consumer should look now: LISTEN is back, or the down poll ticked. */
  wakeAll(): void;
}

/**
 * One dedicated connection that LISTENs on the schema's wake channel and calls `wake(payload)`
 * per notification. A hint only: it may miss notifications (a dropped connection replays
 * nothing), so every consumer polls as well, faster while this is down.
 *
 * A connection can die without telling: a NAT or firewall forgets it, the server host freezes,
 * and the client still believes it is subscribed (graphile-worker #541, pg-boss #850). So it
 * is asked, on the same session, every `heartbeatMs` whether it still LISTENs on the channel;
 * no answer within `heartbeatTimeoutMs` (or a wrong one) destroys the socket and reconnects,
 * with a growing delay, then LISTENs again and wakes every consumer to fetch what it missed.
 * One warning per outage and one line when it is back: a long outage does not flood the log.
 */
export class WakeListener {
  private client?: Client;
  private stopped = false;
  private failures = 0;
  private downSince = Date.now();
  private retry?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  private beating = false;
  private readonly downPoller: DownPoller;
  private readonly heartbeatSql = 'SELECT 1 FROM pg_listening_channels() AS channel WHERE channel = $1';

  constructor(
    private readonly settings: WakeListenerSettings,
    private readonly callbacks: WakeListenerCallbacks,
    private readonly logger: MessageLogger,
  ) {
    this.downPoller = new DownPoller(settings.downPollMs, () => callbacks.wakeAll());
  }

  /** Whether LISTEN is in place, as of the last heartbeat. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects and LISTENs; a failure is logged and retried in the background, never thrown. */
  async start(): Promise<void> {
    this.downPoller.start();
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.beat);
    this.downPoller.stop();
    const client = this.client;
    this.client = undefined;
    if (client) await endWithin(client, this.settings.heartbeatTimeoutMs);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { config, channel, heartbeatTimeoutMs } = this.settings;
    const client = new Client({
      ...config,
      keepAlive: true,
      keepAliveInitialDelayMillis: config.keepAliveInitialDelayMillis ?? KEEPALIVE_DELAY_MS,
    });
    // pg emits socket errors as events; unhandled they would crash the process.
    client.on('error', () => undefined);
    client.on('notification', (notification: Notification) => {
      if (notification.channel === channel && notification.payload) this.callbacks.wake(notification.payload);
    });
    try {
      // connect() is bounded by the config's connectionTimeoutMillis; LISTEN by the heartbeat timeout.
      await client.connect();
      await within(client.query(`LISTEN "${channel}"`), heartbeatTimeoutMs, 'LISTEN');
    } catch (error) {
      destroy(client);
      this.lost(error as Error);
      return;
    }
    if (this.stopped) {
      await endWithin(client, heartbeatTimeoutMs);
      return;
    }
    client.once('end', () => this.drop(client, new Error('the LISTEN connection ended')));
    this.client = client;
    this.downPoller.stop();
    this.beat = setInterval(() => this.heartbeat(client), this.settings.heartbeatMs);
    if (this.failures > 0) {
      this.logger.log('PostgreSQL LISTEN is back', {
        channel,
        downMs: Date.now() - this.downSince,
        attempts: this.failures,
      });
      this.failures = 0;
      this.callbacks.wakeAll();
    }
  }

  private heartbeat(client: Client): void {
    if (this.beating) return;
    this.beating = true;
    const { channel, heartbeatTimeoutMs } = this.settings;
    within(client.query(this.heartbeatSql, [channel]), heartbeatTimeoutMs, 'the LISTEN heartbeat')
      .then(
        (result) => {
          if (result.rowCount === 0) this.drop(client, new Error(`the session no longer LISTENs on ${channel}`));
        },
        (error: Error) => this.drop(client, error),
      )
      .finally(() => (this.beating = false));
  }

  /** Gives up on a connection (idempotent per connection) and schedules the next one. */
  private drop(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.beat);
    // end() would wait for the server to answer, which a half-open socket never does.
    destroy(client);
    this.lost(error);
  }

  private lost(error: Error): void {
    if (this.stopped) return;
    if (this.failures === 0) {
      this.downSince = Date.now();
      this.logger.warn('PostgreSQL LISTEN connection lost; consumers poll until it is back', {
        channel: this.settings.channel,
        error: error.message,
      });
    }
    this.failures++;
    this.downPoller.start();
    this.retry = setTimeout(() => void this.connect(), backoffDelay(this.failures, RECONNECT));
  }
}

/** Rejects when `promise` has not settled within `timeoutMs`. */
function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} had no answer within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Closes the socket without waiting for the server; pending queries fail with "Connection terminated". */
function destroy(client: Client): void {
  (client as unknown as { connection?: { stream?: Socket } }).connection?.stream?.destroy();
  client.end().catch(() => undefined);
}

/** A polite end (the server frees the backend at once), forced when the server does not answer. */
async function endWithin(client: Client, timeoutMs: number): Promise<void> {
  await within(client.end(), timeoutMs, 'closing the LISTEN connection').catch(() => destroy(client));
}
