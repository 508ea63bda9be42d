import 'reflect-metadata';
import { ConfigurableModuleOptionsFactory, INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  InjectTransport,
  Message,
  MessageBus,
  MessageContext,
  MemoryTransport,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

// No class-level `from`: the header's `from` can only come from the module's `entity`.
@Message()
class PaymentCaptured {
  @IsString() paymentId!: string;
}

/** Stands in for an application's configuration: the bus options are only known once it exists. */
@Injectable()
class MessagingConfig {
  readonly entity = 'payments';
  readonly transport = new MemoryTransport({ retain: 10 });
}

@Module({ providers: [MessagingConfig], exports: [MessagingConfig] })
class MessagingConfigModule {}

@Injectable()
class PaymentListener {
  readonly received: MessageContext[] = [];

  @Subscribe()
  onPaymentCaptured(_message: PaymentCaptured, context: MessageContext): void {
    this.received.push(context);
  }
}

@Injectable()
class TransportHolder {
  constructor(@InjectTransport('memory') readonly transport: MemoryTransport) {}
}

@Injectable()
class SmartMessageOptionsFactory implements ConfigurableModuleOptionsFactory<SmartMessageModuleOptions, 'create'> {
  create(): SmartMessageModuleOptions {
    return { entity: 'refunds', logger: false };
  }
}

function payment(paymentId: string): PaymentCaptured {
  return Object.assign(new PaymentCaptured(), { paymentId });
}

describe('SmartMessageModule.forRootAsync', () => {
  let app: INestApplication;

  afterEach(async () => {
    await app?.close();
  });

  describe('with useFactory', () => {
    beforeEach(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          SmartMessageModule.forRootAsync({
            imports: [MessagingConfigModule],
            inject: [MessagingConfig],
            useFactory: (config: MessagingConfig): SmartMessageModuleOptions => ({
              entity: config.entity,
              transports: { memory: config.transport },
              logger: false,
            }),
            transportNames: ['memory'],
          }),
        ],
        providers: [PaymentListener, TransportHolder],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    });

    it('takes the entity and the transports from the factory', async () => {
      await app.get(MessageBus).publish(payment('P-1'));

      const listener = app.get(PaymentListener);
      await waitFor(() => listener.received.length === 1, 'the payment arrived');
      expect(listener.received[0]!.header.from).toBe('payments');
      const configured = app.get(MessagingConfig).transport;
      expect(configured.published().map((envelope) => envelope.header.messageClass)).toEqual(['PaymentCaptured']);
    });

    it('makes the transports listed in transportNames injectable', () => {
      expect(app.get(TransportHolder).transport).toBe(app.get(MessagingConfig).transport);
    });
  });

  describe('with useClass', () => {
    beforeEach(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [SmartMessageModule.forRootAsync({ useClass: SmartMessageOptionsFactory })],
        providers: [PaymentListener],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    });

    it("takes the options from the class's create() and falls back to the in-memory transport", async () => {
      const bus = app.get(MessageBus);
      await bus.publish(payment('P-2'));

      const listener = app.get(PaymentListener);
      await waitFor(() => listener.received.length === 1, 'the payment arrived');
      expect(listener.received[0]!.header.from).toBe('refunds');
      expect(listener.received[0]!.transport).toBe('memory');
      expect(bus.transport('memory')).toBeInstanceOf(MemoryTransport);
    });
  });
});
