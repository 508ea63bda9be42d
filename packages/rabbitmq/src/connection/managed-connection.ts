import { connect, type ChannelModel } from 'amqplib';
import type { MessageLogger } from '@smart-message/nestjs';
import { backoffDelay, type Backoff } from '@smart-message/nestjs/transport-kit';
import { RabbitMqConnectionError, type RabbitMqConnectionFailure } from '../errors/rabbitmq-connection.error';
import { classifyConnectionFailure, isInconclusiveFailure, isPermanentFailure } from './classify-connection-failure';
import { endpointOf } from './rabbitmq-endpoint';

const STARTUP_RETRY_MS = 100;

export type ConnectionState = 'idle' | 'ready' | 'reconnecting' | 'closed';

/**
 * One AMQP connection that reconnects by itself, forever, with a jittered backoff. amqplib's own
 * connection does neither, and without an `'error'` listener an `ECONNRESET` crashes the
 * process. Channels are not recovered here: their owners watch their own channel's `close`
 * and ask `whenReady()` for the connection to open a new one on.
 */
export class ManagedConnection {
  state: ConnectionState = 'idle';
  /** Reconnects since start. */
  reconnects = 0;
  lastError?: string;
  private model?: ChannelModel;
  private readyWaiters: (() => void)[] = [];
  private readonly endpoint: { host: string; port: number };

  constructor(
    private readonly url: string,
    /** `publisher` or `consumer`: names the connection in the broker and in logs. */
    readonly role: string,
    private readonly connectionName: string,
    private readonly backoff: Backoff,
    /** Bound on each reconnect attempt's connect and handshake. */
    private readonly connectTimeoutMs: number,
    private readonly logger: MessageLogger,
  ) {
    this.endpoint = endpointOf(url);
  }

  get current(): ChannelModel | undefined {
    return this.state === 'ready' ? this.model : undefined;
  }

  /** Connects within `timeoutMs`, retrying what waiting may fix; fails with `RabbitMqConnectionError`. */
  async open(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let specific: { failure: RabbitMqConnectionFailure; cause: unknown } | undefined;
    for (;;) {
      try {
        this.adopt(await this.connectOnce(Math.max(1, deadline - Date.now())));
        return;
      } catch (cause) {
        const failure = classifyConnectionFailure(cause);
        const left = deadline - Date.now();
        if (isPermanentFailure(failure) || left <= 0) {
          // The last attempt has only what is left of the deadline and may time out on that alone:
          // an earlier attempt's specific cause (nothing listens) is the one that names the fix.
          const shown = isInconclusiveFailure(failure) && specific ? specific : { failure, cause };
          throw new RabbitMqConnectionError(this.endpoint, shown.failure, `connecting the ${this.role}`, timeoutMs, {
            cause: shown.cause,
          });
        }
        if (!isInconclusiveFailure(failure)) specific = { failure, cause };
        await pause(Math.min(STARTUP_RETRY_MS, left));
      }
    }
  }

  /** Resolves when the connection is ready (at once if it is); never while it is closed. */
  whenReady(): Promise<ChannelModel> {
    const model = this.current;
    if (model) return Promise.resolve(model);
    return new Promise((resolve) => this.readyWaiters.push(() => resolve(this.model as ChannelModel)));
  }

  /** Calls `listener` once, the next time the connection is ready (for `ReconnectGate`). */
  onceReady(listener: () => void): void {
    if (this.current) listener();
    else this.readyWaiters.push(listener);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.readyWaiters = [];
    const model = this.model;
    this.model = undefined;
    await model?.close().catch(() => undefined);
  }

  private connectOnce(timeoutMs: number): Promise<ChannelModel> {
    return connect(this.url, {
      timeout: timeoutMs,
      clientProperties: { connection_name: `${this.connectionName}:${this.role}` },
    });
  }

  private adopt(model: ChannelModel): void {
    if (this.state === 'closed') {
      void model.close().catch(() => undefined);
      return;
    }
    this.model = model;
    this.state = 'ready';
    // Without a listener, amqplib's 'error' (ECONNRESET, a heartbeat timeout) would crash the process.
    model.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    model.once('close', (error?: Error) => {
      if (this.model !== model || this.state === 'closed') return;
      this.model = undefined;
      this.state = 'reconnecting';
      if (error) this.lastError = error.message;
      this.logger.warn(`RabbitMQ ${this.role} connection lost; reconnecting`, { error: this.lastError });
      void this.reconnect();
    });
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; this.state === 'reconnecting'; attempt++) {
      await pause(backoffDelay(attempt, this.backoff));
      if (this.state !== 'reconnecting') return;
      try {
        // As long as at startup: a loaded broker may take seconds to answer the handshake.
        const model = await this.connectOnce(this.connectTimeoutMs);
        this.reconnects++;
        this.logger.log(`RabbitMQ ${this.role} connection restored`, { attempts: attempt + 1 });
        this.adopt(model);
        return;
      } catch (error) {
        this.lastError = (error as Error).message;
      }
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
