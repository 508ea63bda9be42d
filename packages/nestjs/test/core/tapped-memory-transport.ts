import { Envelope, MemoryTransport, Transport } from '@smart-message/nestjs';
import { EnvelopeHandler, TransportSubscribeOptions, TransportSubscription } from '@smart-message/nestjs/transport-kit';

/**
 * The memory transport with a tap on what it hands each subscription, so a test can deliver a
 * frame on a message type's subscription as a broker would deliver what a sender wrote there.
 */
export class TappedMemoryTransport extends MemoryTransport implements Transport {
  readonly handlers = new Map<string, EnvelopeHandler>();

  override async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    this.handlers.set(messageClass, handler);
    return super.subscribe(messageClass, handler, options);
  }
}

/** A well-formed envelope of `messageClass` from `tests`, as a sender would write it. */
export const envelopeOf = (messageClass: string, data: object): Envelope => ({
  header: {
    uuid: `u-${Math.random()}`,
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 1,
    from: 'tests',
    serializer: 'json',
  },
  payload: JSON.stringify(data),
});
