import { Transport } from '@smart-message/nestjs';
import { SmartMessageContender } from '../redis/contenders/smart-message.contender';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { BENCH_ENTITY, SecurityVariant, createVariantKeys, variantBusOptions } from './security-variant';

/**
 * The Redis benchmark's `smart-message` contender with a security variant: one MessageBus that
 * publishes, signs and/or encrypts, receives, verifies and/or decrypts, validation on at both ends.
 */
export class SecureBusContender extends SmartMessageContender {
  constructor(transport: Transport, variant: SecurityVariant) {
    super(transport, true, {
      entity: BENCH_ENTITY,
      logger: quietLogger,
      ...variantBusOptions(variant, createVariantKeys()),
      onUndeliverable: (event) => {
        // A refused message would count as lost and hide why; say it at once.
        process.stderr.write(`UNDELIVERABLE ${event.reason} ${event.error?.message ?? ''}\n`);
      },
    });
  }
}
