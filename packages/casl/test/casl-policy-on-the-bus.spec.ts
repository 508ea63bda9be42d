import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AnyAbility, defineAbility } from '@casl/ability';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { CaslAbilityFactory, caslPolicy } from '@smart-message/casl';
import {
  Authorize,
  DeadLetterQueue,
  generateSigningKey,
  MemoryDeadLetterStore,
  MemoryTransport,
  Message,
  MessageBus,
  MessageBusOptions,
  SmartMessageModule,
  Subscribe,
  TrustStore,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'CaslPaymentRequested', from: 'orders', to: 'payments' })
class PaymentRequested {
  @IsString() orderId!: string;
  @IsInt() @Min(0) amount!: number;
  @IsOptional() @IsBoolean() approved?: boolean;
}

const payment = (orderId: string, amount: number): PaymentRequested =>
  Object.assign(new PaymentRequested(), { orderId, amount });

/** orders may ask for up to 1000; an approved payment of any size goes through; nobody else may ask. */
const abilities = new Map<string, AnyAbility>([
  [
    'orders',
    defineAbility((can) => {
      can('handle', 'CaslPaymentRequested', { amount: { $lte: 1000 } });
      can('handle', 'CaslPaymentRequested', { approved: true });
    }),
  ],
]);
const nobody = defineAbility(() => undefined);
const abilityFor: CaslAbilityFactory = ({ entity }) =>
  (entity === undefined ? undefined : abilities.get(entity)) ?? nobody;

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('caslPolicy on a bus over the memory transport', () => {
  let bus: MessageBus;
  let undeliverable: UndeliverableMessage[];
  let queue: DeadLetterQueue;
  let handled: string[];

  const boot = async (options: Partial<MessageBusOptions> = {}): Promise<void> => {
    undeliverable = [];
    handled = [];
    queue = new DeadLetterQueue(new MemoryDeadLetterStore());
    bus = new MessageBus({
      entity: 'payments',
      logger: silent,
      onUndeliverable: (event) => {
        undeliverable.push(event);
        return queue.record(event);
      },
      ...options,
    });
    queue.connect(bus);
    await bus.subscribe(PaymentRequested, (message) => void handled.push(message.orderId), {
      authorize: caslPolicy(abilityFor),
    });
    await bus.start();
  };

  afterEach(async () => {
    await bus.shutdown(1000);
  });

  it('runs the handler for an allowed message and dead-letters a denied one as unauthorized', async () => {
    await boot();
    await bus.publish(payment('small', 900));
    const denied = await bus.publish(payment('large', 5000));
    await waitFor(() => handled.length === 1 && undeliverable.length === 1, 'one handled, one denied');

    expect(handled).toEqual(['small']);
    const handlerId = 'CaslPaymentRequested.subscriber_1';
    expect(undeliverable[0]).toMatchObject({
      reason: 'unauthorized',
      handlerId,
      envelope: { header: { uuid: denied.uuid } },
      error: {
        code: 'SM_UNAUTHORIZED',
        message:
          `${handlerId} is not authorized to handle CaslPaymentRequested from "orders": ` +
          'no CASL rule lets "orders" handle CaslPaymentRequested: none of the 2 rule(s) for it matches this payload',
      },
    });
    const dead = await queue.list({ reason: 'unauthorized' });
    expect(dead.total).toBe(1);
    expect(dead.entries[0]).toMatchObject({ reason: 'unauthorized', envelope: { header: { uuid: denied.uuid } } });
    expect(bus.statistics.forHandler(handlerId)).toMatchObject({ delivered: 1, denied: 1, succeeded: 1 });
  });

  it('denies a sender the abilities do not know', async () => {
    await boot();
    await bus.publish(payment('forged', 1), { from: 'kiosk' });
    await waitFor(() => undeliverable.length === 1, 'the deny');
    expect(handled).toEqual([]);
    expect(undeliverable[0]!.error.message).toContain('no CASL rule lets "kiosk" handle CaslPaymentRequested');
  });

  it('keeps a "__proto__" key from the wire from approving a large payment, with unknown properties kept', async () => {
    await boot({ unknownProperties: 'keep' });
    const frame = (orderId: string, payload: string) => ({
      header: {
        uuid: randomUUID(),
        messageClass: 'CaslPaymentRequested',
        version: 1,
        publishedAt: new Date().toISOString(),
        publisherPid: 4242,
        from: 'orders',
        to: 'payments',
        serializer: 'json',
      },
      payload: payload.replace('ID', orderId),
    });
    const transport = bus.transport('memory');
    await transport.publish(frame('hostile', '{"orderId":"ID","amount":5000,"__proto__":{"approved":true}}'));
    await transport.publish(frame('approved', '{"orderId":"ID","amount":5000,"approved":true}'));
    await waitFor(() => handled.length + undeliverable.length === 2, 'both judged');

    expect(handled).toEqual(['approved']);
    expect(undeliverable.map(({ reason }) => reason)).toEqual(['unauthorized']);
    expect(({} as Record<string, unknown>).approved).toBeUndefined();
  });
});

describe("caslPolicy with identity: 'verified', between signing buses", () => {
  const ordersKey = generateSigningKey('orders', 'orders-1');
  let wire: MemoryTransport;
  let buses: MessageBus[];

  afterEach(async () => {
    for (const bus of buses) await bus.shutdown(1000);
  });

  it('gives a signed orders its ability and an unsigned claim to be orders the anonymous one', async () => {
    wire = new MemoryTransport();
    const signed = new MessageBus({
      entity: 'orders',
      logger: silent,
      transports: { memory: wire },
      security: { identities: [ordersKey.identity] },
    });
    const unsigned = new MessageBus({ entity: 'orders', logger: silent, transports: { memory: wire } });
    const undeliverable: UndeliverableMessage[] = [];
    const receiver = new MessageBus({
      entity: 'payments',
      logger: silent,
      transports: { memory: wire },
      security: { trust: new TrustStore([ordersKey.trusted]) },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    buses = [signed, unsigned, receiver];
    const handled: string[] = [];
    await receiver.subscribe(PaymentRequested, (message) => void handled.push(message.orderId), {
      authorize: caslPolicy(abilityFor, { identity: 'verified' }),
    });
    for (const bus of buses) await bus.start();

    await signed.publish(payment('signed', 10));
    await unsigned.publish(payment('claimed', 10));
    await waitFor(() => handled.length + undeliverable.length === 2, 'both judged');

    expect(handled).toEqual(['signed']);
    expect(undeliverable).toHaveLength(1);
    expect(undeliverable[0]).toMatchObject({ reason: 'unauthorized', error: { code: 'SM_UNAUTHORIZED' } });
    expect(undeliverable[0]!.error.message).toContain(
      'no CASL rule lets an anonymous sender (the claimed "orders" is not verified) handle CaslPaymentRequested',
    );
  });
});

@Injectable()
class Payments {
  readonly charged: string[] = [];
  readonly audited: string[] = [];

  /** Judged by the module's default policy. */
  @Subscribe()
  charge(message: PaymentRequested): void {
    this.charged.push(message.orderId);
  }

  /** Its own policy: auditors may see every payment request. */
  @Subscribe()
  @Authorize(caslPolicy(() => defineAbility((can) => can('audit', 'CaslPaymentRequested')), { action: 'audit' }))
  audit(message: PaymentRequested): void {
    this.audited.push(message.orderId);
  }
}

describe('caslPolicy in a Nest app', () => {
  it('serves as the module default policy and under @Authorize', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'payments',
          logger: false,
          deadLetters: false,
          authorization: { default: caslPolicy(abilityFor) },
          onUndeliverable: (event) => void undeliverable.push(event),
        }),
      ],
      providers: [Payments],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const bus = app.get(MessageBus);
      const payments = app.get(Payments);
      await bus.publish(payment('p-1', 10));
      await bus.publish(payment('p-2', 10_000));
      await waitFor(
        () => payments.audited.length === 2 && payments.charged.length === 1 && undeliverable.length === 1,
        'two audits, one charge, one deny',
      );
      expect(payments.charged).toEqual(['p-1']);
      expect(payments.audited).toEqual(['p-1', 'p-2']);
      expect(undeliverable[0]).toMatchObject({ reason: 'unauthorized', handlerId: 'Payments.charge' });
    } finally {
      await app.close();
    }
  });
});
