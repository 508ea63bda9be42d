import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  DeadLetterQueue,
  MemoryDeadLetterStore,
  MemoryTransport,
  Message,
  MessageBus,
  MessageContext,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { settled } from '../core/wait-for';
import { CustomerRegistered } from './customer-registered';
import { envelopeOf, goldenFrames } from './golden-frames';

/** An explicit version-1 consumer beside the current class: it keeps getting version 1 as it is. */
@Message({ name: 'CustomerRegistered', version: 1, from: 'accounts' })
class CustomerRegisteredV1 {
  @IsString() name!: string;
  @IsString() email!: string;
}

const [ada, babbage, hypatia] = goldenFrames(1);
const [grace] = goldenFrames(2);

describe('upcasting received messages to the handler class version', () => {
  let bus: MessageBus;
  let received: { message: CustomerRegistered; context: MessageContext }[];
  let undeliverable: UndeliverableMessage[];

  beforeEach(async () => {
    received = [];
    undeliverable = [];
    bus = new MessageBus({
      entity: 'crm',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    await bus.subscribe(CustomerRegistered, (message, context) => void received.push({ message, context }));
    await bus.start();
  });

  afterEach(() => bus.shutdown());

  it('reads the golden version 1 frames as version 3, through both upcasters', async () => {
    await bus.publishEnvelope(envelopeOf(ada!));
    await bus.publishEnvelope(envelopeOf(hypatia!));
    await settled(bus, 'CustomerRegistered', 2);

    expect(undeliverable).toEqual([]);
    expect(received.map(({ message }) => message)).toEqual([
      Object.assign(new CustomerRegistered(), {
        firstName: 'Ada',
        lastName: 'Lovelace',
        contactEmail: 'ada@example.com',
        age: 36,
        marketingOptIn: false,
      }),
      Object.assign(new CustomerRegistered(), {
        firstName: 'Hypatia',
        lastName: '',
        contactEmail: 'hypatia@example.com',
        age: 45,
        marketingOptIn: false,
      }),
    ]);
    expect(received[0]!.message).toBeInstanceOf(CustomerRegistered);
    // The header is the original message's: what arrived, and what signatures and deduplication refer to.
    expect(received[0]!.context.originalVersion).toBe(1);
    expect(received[0]!.context.header.version).toBe(1);
    expect(received[0]!.context.header.uuid).toBe(ada!.id);
  });

  it('reads the golden version 2 frame as version 3, through the last upcaster only', async () => {
    await bus.publishEnvelope(envelopeOf(grace!));
    await settled(bus, 'CustomerRegistered', 1);

    expect(received.map(({ message, context }) => ({ ...message, original: context.originalVersion }))).toEqual([
      {
        firstName: 'Grace',
        lastName: 'Brewster Murray Hopper',
        contactEmail: 'grace@example.com',
        age: 85,
        marketingOptIn: false,
        original: 2,
      },
    ]);
  });

  it('holds an upcast message to the current rules: a version 1 email that version 3 refuses is dead-lettered with the rule', async () => {
    await bus.publishEnvelope(envelopeOf(babbage!));
    await settled(bus, 'CustomerRegistered', 1);

    expect(received).toEqual([]);
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'invalid',
        error: expect.objectContaining({
          code: 'SM_VALIDATION_FAILED',
          message: 'CustomerRegistered is invalid: contactEmail (contactEmail must be an email)',
        }),
      }),
    ]);
    // The dead letter keeps the message as it arrived: version 1, the old payload, never the upcast one.
    expect(undeliverable[0]!.envelope!.header.version).toBe(1);
    expect(JSON.parse(undeliverable[0]!.envelope!.payload as string)).toEqual(babbage!.data);
  });

  it('applies a rule added in version 3 to an upcast version 1 message', async () => {
    await bus.publishEnvelope(
      envelopeOf({ ...ada!, data: { name: 'Ada Lovelace', email: 'ada@example.com', age: 200 } }),
    );
    await settled(bus, 'CustomerRegistered', 1);

    expect(received).toEqual([]);
    expect(undeliverable[0]).toMatchObject({
      reason: 'invalid',
      error: { message: 'CustomerRegistered is invalid: age (age must not be greater than 150)' },
    });
  });

  it('counts upcast deliveries, so operators see when an old version stops arriving', async () => {
    await bus.publishEnvelope(envelopeOf(ada!));
    await bus.publish(
      Object.assign(new CustomerRegistered(), {
        firstName: 'Alan',
        lastName: 'Turing',
        contactEmail: 'alan@example.com',
        age: 41,
        marketingOptIn: true,
      }),
    );
    await settled(bus, 'CustomerRegistered', 2);

    const [route] = bus.routes();
    expect(route).toMatchObject({ version: 3, upcastFrom: [1, 2] });
    expect(bus.statistics.forHandler(route!.handlerId)).toMatchObject({ delivered: 2, upcast: 1 });
  });

  it('dead-letters a payload an upcaster cannot read as invalid, with the failing step', async () => {
    // Version 1 always had a string name; a sender that writes a number breaks the split.
    await bus.publishEnvelope(envelopeOf({ ...ada!, data: { name: 42, email: 'ada@example.com', age: 36 } }));
    await settled(bus, 'CustomerRegistered', 1);

    expect(received).toEqual([]);
    expect(undeliverable[0]).toMatchObject({ reason: 'invalid', error: { code: 'SM_VALIDATION_FAILED' } });
    expect(undeliverable[0]!.error.message).toContain('firstName');
  });

  it('refuses a version older than the chain reaches as version-mismatch, and a newer one as future-version', async () => {
    await bus.publishEnvelope(envelopeOf(ada!, { smversion: 4, id: '3d9f7a52-1111-4000-8000-000000000004' }));
    await settled(bus, 'CustomerRegistered', 1);

    expect(received).toEqual([]);
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'future-version',
        error: expect.objectContaining({
          code: 'SM_FUTURE_VERSION',
          message: expect.stringContaining('CustomerRegistered version 4 is newer than version 3'),
        }),
      }),
    ]);
  });

  it('still gives an explicit version 1 handler version 1 as it is, beside the upcasting one', async () => {
    const v1: CustomerRegisteredV1[] = [];
    await bus.subscribe(CustomerRegisteredV1, (message) => void v1.push(message));

    await bus.publishEnvelope(envelopeOf(ada!));
    await settled(bus, 'CustomerRegistered', 1);

    expect(v1).toEqual([Object.assign(new CustomerRegisteredV1(), { name: 'Ada Lovelace', email: 'ada@example.com' })]);
    expect(received.map(({ message }) => message.firstName)).toEqual(['Ada']);
    expect(undeliverable).toEqual([]);
  });
});

describe('a version 1 dead letter replayed after the service moved to version 3', () => {
  it('is stored as it arrived and upcast again when it is delivered', async () => {
    const queue = new DeadLetterQueue(new MemoryDeadLetterStore());
    let failing = true;
    const handled: CustomerRegistered[] = [];
    const bus = new MessageBus({
      entity: 'crm',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => queue.record(event),
    });
    queue.connect(bus);
    await bus.subscribe(CustomerRegistered, (message) => {
      if (failing) throw new Error('the CRM database is down');
      handled.push(message);
    });
    await bus.start();
    try {
      await bus.publishEnvelope(envelopeOf(ada!));
      await settled(bus, 'CustomerRegistered', 1);
      const { entries } = await queue.list();
      expect(entries).toHaveLength(1);
      expect(entries[0]!.envelope!.header.version).toBe(1);
      expect(JSON.parse(entries[0]!.envelope!.payload as string)).toEqual(ada!.data);

      failing = false;
      const report = await queue.replay(entries[0]!.id);

      expect(report.outcomes).toEqual([expect.objectContaining({ status: 'replayed' })]);
      expect(handled).toEqual([
        expect.objectContaining({ firstName: 'Ada', lastName: 'Lovelace', contactEmail: 'ada@example.com' }),
      ]);
    } finally {
      await bus.shutdown();
    }
  });
});

describe('reading a future version tolerantly', () => {
  @Message({
    name: 'LoyaltyTierChanged',
    version: 2,
    upcast: { 1: ({ level, ...rest }) => ({ ...rest, tier: String(level) }) },
    onFutureVersion: 'tolerant',
  })
  class LoyaltyTierChanged {
    @IsString() customerId!: string;
    @IsString() tier!: string;
  }

  it('drops the properties the class does not declare and validates the rest', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const handled: { message: LoyaltyTierChanged; original: number }[] = [];
    const bus = new MessageBus({
      entity: 'crm',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
      // Even where undeclared properties are refused, a tolerant read strips them.
      unknownProperties: 'refuse',
    });
    await bus.subscribe(
      LoyaltyTierChanged,
      (message, context) => void handled.push({ message, original: context.originalVersion }),
    );
    await bus.start();
    try {
      const frame = { ...ada!, type: 'LoyaltyTierChanged' };
      await bus.publishEnvelope(
        envelopeOf(frame, { smversion: 3, data: { customerId: 'c-1', tier: 'gold', since: '2026-01-01' } }),
      );
      await bus.publishEnvelope(
        envelopeOf(frame, {
          smversion: 3,
          id: '3d9f7a52-1111-4000-8000-000000000005',
          data: { customerId: 'c-2', tier: 7 },
        }),
      );
      await bus.publishEnvelope(
        envelopeOf(frame, { id: '3d9f7a52-1111-4000-8000-000000000006', data: { customerId: 'c-3', level: 2 } }),
      );
      await settled(bus, 'LoyaltyTierChanged', 3);

      expect(handled).toEqual([
        { message: Object.assign(new LoyaltyTierChanged(), { customerId: 'c-1', tier: 'gold' }), original: 3 },
        { message: Object.assign(new LoyaltyTierChanged(), { customerId: 'c-3', tier: '2' }), original: 1 },
      ]);
      expect(handled[0]!.message).not.toHaveProperty('since');
      // What the class declares is still validated in a newer version.
      expect(undeliverable).toEqual([
        expect.objectContaining({
          reason: 'invalid',
          error: expect.objectContaining({ message: 'LoyaltyTierChanged is invalid: tier (tier must be a string)' }),
        }),
      ]);
    } finally {
      await bus.shutdown();
    }
  });
});
