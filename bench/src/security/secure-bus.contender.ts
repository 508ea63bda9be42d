import { MessageBus, Transport } from '@smart-message/nestjs';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { Contender, ReceiveListener } from '../redis/contender';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { BENCH_ENTITY, SecurityVariant, createVariantKeys, variantBusOptions } from './security-variant';

/**
 * The Redis benchmark's `smart-message` contender with a security variant: one MessageBus that
 * publishes, signs and/or encrypts, receives, verifies and/or decrypts, validation on at both ends.
 */
export class SecureBusContender implements Contender {
  private readonly bus: MessageBus;

  constructor(transport: Transport, variant: SecurityVariant) {
    this.bus = new MessageBus({
      entity: BENCH_ENTITY,
      logger: quietLogger,
      transports: { bench: transport },
      ...variantBusOptions(variant, createVariantKeys()),
      onUndeliverable: (event) => {
        // A refused message would count as lost and hide why; say it at once.
        process.stderr.write(`UNDELIVERABLE ${event.reason} ${event.error?.message ?? ''}\n`);
      },
    });
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    await this.bus.subscribe(BenchOrderPlaced, (order) => onReceived(order.seq, order.sentAt));
    await this.bus.start();
  }

  publish(order: BenchOrderPlaced): Promise<unknown> {
    return this.bus.publish(order);
  }

  async stop(): Promise<void> {
    await this.bus.shutdown(5000);
  }
}
