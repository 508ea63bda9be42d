import type { ConfirmChannel, Options } from 'amqplib';
import type { MessageLogger } from '@smart-message/nestjs';
import { backoffDelay, type Backoff, ReconnectGate } from '@smart-message/nestjs/transport-kit';
import { ManagedConnection } from '../connection/managed-connection';
import { RabbitMqPublishBufferFullError } from '../errors/rabbitmq-publish-buffer-full.error';
import { RabbitMqPublishRefusedError } from '../errors/rabbitmq-publish-refused.error';
import { RabbitMqUnavailableError } from '../errors/rabbitmq-unavailable.error';

/** Marks a publish that met a closed channel or connection: the gate may send it again. */
class ChannelGoneError extends Error {}

/**
 * Publishes on one confirm channel of the publisher connection, and opens a new one (declaring
 * the exchange again) whenever the broker closes it, e.g. after a publish to an exchange deleted
 * under it (`404 NOT_FOUND`) or a connection loss. A publish resolves on the broker's confirm;
 * while there is no channel, or the broker answers with a negative confirm, it is tried again
 * within `publishTimeoutMs` through a `ReconnectGate`.
 */
export class ConfirmPublisher {
  /** Channels opened so far (1 after start). */
  channelsOpened = 0;
  /** Publishes the broker returned as unroutable (`mandatory`): no queue is bound for their class yet. */
  unroutable = 0;
  private channel?: ConfirmChannel;
  private opening?: Promise<void>;
  private readyWaiters: (() => void)[] = [];
  private readonly gate: ReconnectGate;
  private closed = false;

  constructor(
    private readonly connection: ManagedConnection,
    private readonly declare: (channel: ConfirmChannel) => Promise<void>,
    private readonly backoff: Backoff,
    private readonly logger: MessageLogger,
    bounds: { timeoutMs: number; maxWaiting: number },
  ) {
    this.gate = new ReconnectGate(
      {
        isReady: () => this.channel !== undefined,
        onceReady: (listener) => {
          if (this.channel) listener();
          else this.readyWaiters.push(listener);
        },
        connectIfIdle: () => this.ensureChannel(),
        // A negative confirm is tried again too: a quorum queue still electing its leader after a
        // broker restart nacks for a few seconds. Past publishTimeoutMs the refusal is the cause.
        isConnectionError: (error) => error instanceof ChannelGoneError || error instanceof RabbitMqPublishRefusedError,
      },
      {
        ...bounds,
        unavailable: (timeoutMs, options) => new RabbitMqUnavailableError(timeoutMs, options),
        full: (limit) => new RabbitMqPublishBufferFullError(limit),
      },
    );
  }

  get isOpen(): boolean {
    return this.channel !== undefined;
  }

  /** Opens the first channel; startup fails if it cannot (the connection is already up). */
  async start(): Promise<void> {
    await this.openChannel();
  }

  publish(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish): Promise<void> {
    return this.gate.run(() => this.publishOnce(exchange, routingKey, content, properties));
  }

  async close(): Promise<void> {
    this.closed = true;
    const channel = this.channel;
    this.channel = undefined;
    if (!channel) return;
    // Confirms still owed resolve their publishes before the channel goes.
    await channel.waitForConfirms().catch(() => undefined);
    await channel.close().catch(() => undefined);
  }

  private publishOnce(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish) {
    const channel = this.channel;
    if (!channel) return Promise.reject(new ChannelGoneError('no publisher channel'));
    return new Promise<void>((resolve, reject) => {
      try {
        channel.publish(exchange, routingKey, content, properties, (error: unknown) => {
          if (!error) return resolve();
          // amqplib fails pending confirms with an Error when the channel closes; a nack has no channel close.
          if (this.channel !== channel) return reject(new ChannelGoneError('the publisher channel closed'));
          reject(new RabbitMqPublishRefusedError(exchange, routingKey, { cause: error }));
        });
      } catch (error) {
        // amqplib throws IllegalOperationError on a closed channel.
        reject(new ChannelGoneError(String((error as Error).message)));
      }
    });
  }

  /** Starts opening a channel unless one is open or being opened; retries with backoff until it is. */
  private ensureChannel(): void {
    if (this.channel || this.opening || this.closed) return;
    this.opening = (async () => {
      for (let attempt = 0; !this.closed; attempt++) {
        try {
          await this.openChannel();
          return;
        } catch (error) {
          this.logger.warn('RabbitMQ publisher channel could not be opened; retrying', {
            error: (error as Error).message,
          });
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.backoff)));
        }
      }
    })().finally(() => (this.opening = undefined));
  }

  private async openChannel(): Promise<void> {
    const model = await this.connection.whenReady();
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => {
      this.logger.warn('RabbitMQ closed the publisher channel', { error: error.message });
    });
    channel.on('return', () => {
      this.unroutable++;
    });
    channel.once('close', () => {
      if (this.channel === channel) this.channel = undefined;
      // A new channel as soon as the connection allows: publishes waiting in the gate need it.
      if (!this.closed) this.ensureChannel();
    });
    try {
      await this.declare(channel);
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.channel = channel;
    this.channelsOpened++;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
