import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MessageLogger } from '@smart-message/nestjs';
import type { GatedConnection } from '@smart-message/nestjs/transport-kit';
import { NatsConnectionError } from '../errors/nats-connection.error';
import { classifyConnectionFailure, isPermanentFailure } from './classify-connection-failure';
import { NatsEndpoint } from './nats-endpoint';

const STARTUP_RETRY_MS = 100;
/** How long `close()` waits for the client to flush and close before it stops waiting. */
const CLOSE_BOUND_MS = 2000;

export type NatsConnectionState = 'idle' | 'connected' | 'reconnecting' | 'closed';

export interface ManagedNatsConnectionOptions {
  readonly connectionName: string;
  readonly reconnectWaitMs: number;
  readonly maxReconnectAttempts: number;
}

/** A transport's connection as its `status()` reports it. */
export interface NatsConnectionStatus {
  /** `host:port` of the first server. */
  endpoint: string;
  connection: NatsConnectionState;
  disconnects: number;
  reconnects: number;
  lastError?: string;
}

/**
 * The one NATS connection of a transport. The client reconnects by itself (forever, with the
 * options given); this class opens it within a deadline with a coded error, and follows the
 * client's status events, because the client keeps no synchronous "connected" flag and a core
 * publish made while it is away is dropped without an error: publishers ask `isConnected()` first.
 */
export class ManagedNatsConnection implements GatedConnection {
  state: NatsConnectionState = 'idle';
  /** Connections lost since start, and regained. */
  disconnects = 0;
  reconnects = 0;
  lastError?: string;
  private nc?: NatsConnection;
  private readyWaiters: (() => void)[] = [];
  private readonly reconnectedListeners = new Set<() => void>();

  constructor(
    readonly endpoint: NatsEndpoint,
    private readonly options: ManagedNatsConnectionOptions,
    private readonly logger: MessageLogger,
  ) {}

  /** The open connection; only after `open()` resolved. */
  get client(): NatsConnection {
    if (!this.nc) throw new Error('the NATS connection is not open');
    return this.nc;
  }

  status(): NatsConnectionStatus {
    const { host, port } = this.endpoint;
    return {
      endpoint: `${host}:${port}`,
      connection: this.state,
      disconnects: this.disconnects,
      reconnects: this.reconnects,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Connects within `timeoutMs`, retrying what waiting may fix; fails with `NatsConnectionError`. */
  async open(timeoutMs: number, activity = 'connecting'): Promise<NatsConnection> {
    const deadline = Date.now() + timeoutMs;
    const { host, port } = this.endpoint;
    for (;;) {
      try {
        const nc = await connect({
          servers: this.endpoint.servers,
          ...(this.endpoint.user !== undefined ? { user: this.endpoint.user, pass: this.endpoint.pass } : {}),
          name: this.options.connectionName,
          timeout: Math.max(1, Math.min(deadline - Date.now(), timeoutMs)),
          maxReconnectAttempts: this.options.maxReconnectAttempts,
          reconnectTimeWait: this.options.reconnectWaitMs,
        });
        this.adopt(nc);
        return nc;
      } catch (cause) {
        const failure = classifyConnectionFailure(cause);
        const left = deadline - Date.now();
        if (isPermanentFailure(failure) || left <= 0)
          throw new NatsConnectionError({ host, port }, failure, activity, timeoutMs, { cause });
        await pause(Math.min(STARTUP_RETRY_MS, left));
      }
    }
  }

  /** Whether the client is connected now (what health and core publishes ask). */
  isConnected(): boolean {
    return this.state === 'connected';
  }

  /**
   * For the `ReconnectGate`: connected, or closed for good. A closed connection has nothing to
   * wait for: a command sent now fails at once with the client's "closed" error, which is not
   * retried, instead of waiting out `publishTimeoutMs` (and keeping a timer alive) after close.
   */
  isReady(): boolean {
    return this.state === 'connected' || this.state === 'closed';
  }

  onceReady(listener: () => void): void {
    if (this.isReady()) listener();
    else this.readyWaiters.push(listener);
  }

  /** The client reconnects by itself; there is nothing lazy to start. */
  connectIfIdle(): void {
    // nothing to do
  }

  /** Timeouts, no responders (JetStream unavailable, e.g. a leader election) and a lost connection may pass on a retry. */
  isConnectionError(error: unknown): boolean {
    return isRetryableNatsError(error);
  }

  /** Called after every reconnect (not the first connect). */
  onReconnected(listener: () => void): () => void {
    this.reconnectedListeners.add(listener);
    return () => this.reconnectedListeners.delete(listener);
  }

  /**
   * Closes the connection (its subscriptions with it), waiting at most a bound: a client whose
   * server is away may otherwise keep `close()` waiting for a flush that cannot happen.
   */
  async close(): Promise<void> {
    this.state = 'closed';
    this.reconnectedListeners.clear();
    this.flushWaiters();
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      nc.close().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_BOUND_MS))),
    ]);
    clearTimeout(timer);
  }

  private adopt(nc: NatsConnection): void {
    if (this.state === 'closed') {
      void nc.close().catch(() => undefined);
      return;
    }
    this.nc = nc;
    this.state = 'connected';
    void this.follow(nc);
    void nc.closed().then((error) => {
      if (this.nc !== nc) return;
      if (error) this.lastError = (error as Error).message;
      if (this.state !== 'closed') {
        this.state = 'closed';
        this.flushWaiters();
        this.logger.error(
          `NATS connection to ${this.endpoint.host}:${this.endpoint.port} closed for good` +
            (this.lastError ? ` (${this.lastError})` : '') +
            ': the reconnect attempts ran out (`reconnect.maxAttempts`); restart the service',
        );
      }
    });
    this.flushWaiters();
  }

  private async follow(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.nc !== nc || this.state === 'closed') return;
      switch (status.type) {
        case 'disconnect':
          if (this.state === 'connected') {
            this.state = 'reconnecting';
            this.disconnects++;
            this.logger.warn(`NATS connection to ${status.server} lost; reconnecting`);
          }
          break;
        case 'reconnect':
          this.state = 'connected';
          this.reconnects++;
          this.logger.log(`NATS connection restored (${status.server})`);
          this.flushWaiters();
          for (const listener of [...this.reconnectedListeners]) listener();
          break;
        case 'error':
          this.lastError = status.error.message;
          break;
        default:
          break;
      }
    }
  }

  private flushWaiters(): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

/**
 * One rule for what a retry may fix, for every NATS call the transports retry: the client's
 * timeouts, "no responders" (JetStream answers 503 while a stream has no leader, and the client
 * turns a request sent while disconnected into one of these) and a connection that dropped
 * under the call. Not: a closed or draining connection (our own close), or any answer the server
 * gave (a JetStream API error such as a frame above `max_payload`).
 */
export function isRetryableNatsError(error: unknown): boolean {
  const described = error as { name?: unknown; message?: unknown; cause?: unknown } | undefined;
  const name = String(described?.name ?? '');
  const message = String(described?.message ?? '');
  if (name === 'ClosedConnectionError' || name === 'DrainingConnectionError') return false;
  if (/closed|draining/i.test(message) && !/disconnect/i.test(message)) return false;
  if (name === 'TimeoutError' || name === 'NoRespondersError' || name === 'ConnectionError') return true;
  if (/timeout|timed out|no responders|503|not enabled|disconnect|connection (lost|reset)/i.test(message)) return true;
  return described?.cause !== undefined && described.cause !== error ? isRetryableNatsError(described.cause) : false;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
