import { MessageBus, MessageBusOptions, PublishOptions, Transport } from '@smart-message/nestjs';
import { BenchOrderPlaced } from '../bench-order.message';
import { Contender, ReceiveListener } from '../contender';

/**
 * Our library as an application uses it: a MessageBus on one Redis transport, a subscriber
 * callback for the order type, validation on publish and on receipt (the defaults) unless
 * switched off to show what it costs. `options` adds to the bus's (the security benchmark's
 * signing and encryption).
 */
export class SmartMessageContender implements Contender {
  private readonly bus: MessageBus;

  constructor(transport: Transport, validate = true, options: Partial<MessageBusOptions> = {}) {
    this.bus = new MessageBus({
      entity: 'bench',
      transports: { redis: transport },
      validateOnPublish: validate,
      validateOnReceive: validate,
      ...options,
    });
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    await this.bus.subscribe(BenchOrderPlaced, (order) => onReceived(order.seq, order.sentAt));
    await this.bus.start();
  }

  publish(order: BenchOrderPlaced, options?: PublishOptions): Promise<unknown> {
    return this.bus.publish(order, options);
  }

  async stop(): Promise<void> {
    await this.bus.shutdown(5000);
  }
}
