import { ReconnectGate } from '@smart-message/nestjs/transport-kit';
import { ManagedNatsConnection } from '../connection/managed-nats-connection';
import { NatsPublishBufferFullError } from '../errors/nats-publish-buffer-full.error';
import { NatsUnavailableError } from '../errors/nats-unavailable.error';

/**
 * Core NATS publishes, refused instead of lost: the client accepts a publish while it is
 * disconnected and drops it at the reconnect without an error, so a publish first waits (at
 * most `publishTimeoutMs`, at most `maxWaiting` at once) for the connection, and resolves after
 * a flush (a PING answered after the message) shows the server read it. Publishes made in one
 * tick share one flush. A message is never sent twice: after a failed flush the publish fails
 * (the message may or may not have arrived; at-most-once allows that, a duplicate it does not).
 */
export class CorePublisher {
  private readonly gate: ReconnectGate;
  private flushing?: Promise<void>;

  constructor(
    private readonly connection: ManagedNatsConnection,
    private readonly timeoutMs: number,
    maxWaiting: number,
  ) {
    this.gate = new ReconnectGate(connection, {
      timeoutMs,
      maxWaiting,
      unavailable: (limit, options) => new NatsUnavailableError(limit, options),
      full: (limit) => new NatsPublishBufferFullError(limit),
    });
  }

  async publish(subject: string, frame: Uint8Array): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    // The gate only waits here: the send below happens once, outside its retries.
    while (!this.connection.isConnected()) {
      if (this.connection.state === 'closed')
        throw new NatsUnavailableError(this.timeoutMs, { cause: new Error('the NATS connection is closed') });
      if (Date.now() >= deadline) throw new NatsUnavailableError(this.timeoutMs);
      await this.gate.run(() => Promise.resolve());
    }
    this.connection.client.publish(subject, frame);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.flush(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error('the server did not answer the flush after the publish')),
            Math.max(1, deadline - Date.now()),
          );
        }),
      ]);
    } catch (cause) {
      throw new NatsUnavailableError(this.timeoutMs, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  private flush(): Promise<void> {
    this.flushing ??= Promise.resolve().then(() => {
      this.flushing = undefined;
      return this.connection.client.flush();
    });
    return this.flushing;
  }
}
