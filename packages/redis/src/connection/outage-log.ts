import type { MessageLogger } from '@smart-message/nestjs';
import { RedisClient } from './redis-client';
import { endpointOf } from './redis-endpoint';

interface Watched {
  readonly role: string;
  /** Said when this connection is lost, e.g. what is lost meanwhile. */
  readonly whenLost?: string;
  everReady: boolean;
}

/**
 * One warning when a transport loses Redis, with the cause, and one line when every connection
 * is back: reconnect attempts in between are not logged again. A connection that was never
 * ready is startup's to report (RedisConnectionError), not an outage.
 */
export class OutageLog {
  private readonly watched = new Map<RedisClient, Watched>();
  private outageSince?: number;
  private lastError?: Error;
  private connectionErrors = 0;

  constructor(
    private readonly name: string,
    private readonly logger: MessageLogger | undefined,
    /** Called when any connection is ready again: the server is back, the others may retry at once. */
    private readonly onServerSeen: (client: RedisClient) => void,
  ) {}

  watch(client: RedisClient, role: string, whenLost?: string): void {
    const watched: Watched = { role, whenLost, everReady: client.status === 'ready' };
    this.watched.set(client, watched);
    client.on('error', (error: Error) => {
      this.lastError = error;
      if (this.outageSince !== undefined) this.connectionErrors++;
    });
    client.on('close', () => this.lost(client, watched));
    client.on('ready', () => {
      watched.everReady = true;
      this.onServerSeen(client);
      this.maybeRecovered();
    });
  }

  forget(client: RedisClient): void {
    this.watched.delete(client);
  }

  /** Stop reporting: the transport is closing its connections on purpose. */
  stop(): void {
    this.watched.clear();
  }

  private lost(client: RedisClient, watched: Watched): void {
    if (!watched.everReady || !this.watched.has(client)) return;
    if (this.outageSince !== undefined) return;
    this.outageSince = Date.now();
    this.connectionErrors = 0;
    const { host, port } = endpointOf(client);
    const cause = this.lastError
      ? ((this.lastError as NodeJS.ErrnoException).code ?? this.lastError.message)
      : 'closed';
    this.lastError = undefined;
    this.logger?.warn(
      `Redis connection lost (${this.name}:${watched.role} to ${host}:${port}, ${cause}); reconnecting` +
        (watched.whenLost ? `: ${watched.whenLost}` : ''),
      { role: watched.role, host, port, cause },
    );
  }

  private maybeRecovered(): void {
    if (this.outageSince === undefined) return;
    for (const [client, watched] of this.watched) if (watched.everReady && client.status !== 'ready') return;
    const downMs = Date.now() - this.outageSince;
    const redisStayedUp = this.connectionErrors === 0;
    this.outageSince = undefined;
    this.logger?.log(
      `Redis connection back (${this.name}) after ${downMs} ms` +
        (redisStayedUp
          ? ': Redis answered at the first reconnect, so it closed the connection itself ' +
            '(a restart, a client timeout, or a subscriber past its output buffer limit)'
          : ''),
      { downMs },
    );
  }
}
