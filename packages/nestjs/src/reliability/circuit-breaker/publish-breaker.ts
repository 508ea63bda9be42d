import type { TransportPublishOptions } from '../../transports/transport-publish-options.interface';
import { CircuitOpenError } from '../../errors';
import { Envelope } from '../../interfaces/envelope.interface';
import { Transport } from '../../transports/transport.interface';
import { PublishCircuitBreakerOptions } from './circuit-breaker-options.interface';
import { CircuitBreakerRegistry, DEFAULT_HALF_OPEN_AFTER_MS } from './circuit-breaker-registry';
import { PublishOutbox } from './publish-outbox';

/** Reports a message that never reached its transport as undeliverable (the dead letter queue's intake). */
export type UnsentReporter = (error: CircuitOpenError, transportName: string, envelope: Envelope) => Promise<void>;

/**
 * A circuit breaker per transport around publishing, and what publishing does while one is
 * open (`fallback`): fail with `CircuitOpenError`, dead-letter the message, or keep it in the
 * transport's outbox, sent in order once the circuit closes.
 */
export class PublishBreaker {
  private readonly outboxes = new Map<string, PublishOutbox>();

  constructor(
    private readonly options: PublishCircuitBreakerOptions,
    private readonly circuitBreakers: CircuitBreakerRegistry,
    private readonly reportUnsent: UnsentReporter,
  ) {}

  /** Resolves once the transport took the envelope, or the fallback did. */
  async publish(
    transportName: string,
    transport: Transport,
    envelope: Envelope,
    delivery?: TransportPublishOptions,
  ): Promise<void> {
    const circuit = circuitOf(transportName);
    const publish = (sent: Envelope): Promise<void> =>
      this.circuitBreakers.execute(circuit, this.options, () =>
        delivery === undefined ? transport.publish(sent) : transport.publish(sent, delivery),
      );
    try {
      await publish(envelope);
    } catch (error) {
      if (!(error instanceof CircuitOpenError)) throw error as Error;
      const fallback = this.options.fallback ?? 'fail';
      if (fallback === 'dead-letter') {
        await this.reportUnsent(error, transportName, envelope);
      } else if (fallback === 'outbox' && delivery === undefined) {
        // The outbox resends plain envelopes; a delayed or keyed one fails instead of losing its options.
        this.outboxOf(transportName, publish).add(envelope);
      } else {
        throw error;
      }
    }
  }

  /** At shutdown: one last try to send what the outboxes hold; what still cannot go is dead-lettered. */
  async settle(): Promise<void> {
    for (const [transportName, outbox] of this.outboxes) {
      await outbox.flush();
      for (const envelope of outbox.takeRemaining()) {
        await this.reportUnsent(new CircuitOpenError(circuitOf(transportName)), transportName, envelope).catch(
          () => undefined,
        );
      }
    }
  }

  private outboxOf(transportName: string, publish: (envelope: Envelope) => Promise<void>): PublishOutbox {
    let outbox = this.outboxes.get(transportName);
    if (!outbox) {
      const circuit = circuitOf(transportName);
      const created = new PublishOutbox(
        circuit,
        this.options.outboxLimit ?? 10_000,
        this.options.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS,
        publish,
      );
      this.circuitBreakers.onClosed(circuit, () => void created.flush());
      this.outboxes.set(transportName, created);
      outbox = created;
    }
    return outbox;
  }
}

function circuitOf(transportName: string): string {
  return `publish:${transportName}`;
}
