import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  MessageHeader,
  MessageValidationError,
  NotAMessageError,
  UnknownTransportError,
} from '@smart-message/nestjs';
import { settled } from './wait-for';

@Message({ from: 'class-sender', to: 'class-recipient', replyTo: 'class-replies' })
class InvoiceIssued {
  @IsString() invoiceId = 'INV-1';
}

@Message()
class Ping {
  @IsString() note = 'hello';
}

@Message({ name: 'billing.Refunded', version: 3, from: 'billing' })
class Refunded {
  @IsString() refundId = 'R-1';
  @IsInt() cents = 250;
}

class Address {
  @IsString() @IsNotEmpty() city = 'Lyon';
}

@Message({ from: 'crm' })
class CustomerRegistered {
  @IsString() name = 'Ada';
  @IsInt() @Min(18) age = 36;
  @ValidateNested() @Type(() => Address) address = new Address();
}

class NotDecorated {
  name = 'plain';
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_WITH_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('publishing', () => {
  let transport: MemoryTransport;
  let bus: MessageBus;

  beforeEach(async () => {
    transport = new MemoryTransport({ retain: 10 });
    bus = new MessageBus({ entity: 'module-entity', transports: { memory: transport } });
    await bus.start();
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  /** The header of the one envelope the transport was given. */
  function sentHeader(): MessageHeader {
    const sent = transport.published();
    expect(sent).toHaveLength(1);
    return sent[0]!.header;
  }

  describe('addressing', () => {
    it('takes from, to and replyTo from the class defaults over the module entity', async () => {
      await bus.publish(new InvoiceIssued());

      expect(sentHeader()).toMatchObject({ from: 'class-sender', to: 'class-recipient', replyTo: 'class-replies' });
    });

    it('lets publish options override every class default', async () => {
      await bus.publish(new InvoiceIssued(), {
        from: 'option-sender',
        to: 'option-recipient',
        replyTo: 'option-replies',
        correlationId: 'conversation-7',
      });

      expect(sentHeader()).toMatchObject({
        from: 'option-sender',
        to: 'option-recipient',
        replyTo: 'option-replies',
        correlationId: 'conversation-7',
      });
    });

    it('falls back to the module entity for from and leaves to and replyTo absent', async () => {
      await bus.publish(new Ping());

      const header = sentHeader();
      expect(header.from).toBe('module-entity');
      expect(header).not.toHaveProperty('to');
      expect(header).not.toHaveProperty('replyTo');
      expect(header).not.toHaveProperty('correlationId');
      expect(header).not.toHaveProperty('causationId');
    });

    it('broadcasts with to: null even though the class names a default recipient', async () => {
      const broadcastsSeen: string[] = [];
      await bus.subscribe(InvoiceIssued, (message) => void broadcastsSeen.push(message.invoiceId), {
        broadcast: true,
      });

      await bus.publish(Object.assign(new InvoiceIssued(), { invoiceId: 'directed' }));
      await bus.publish(Object.assign(new InvoiceIssued(), { invoiceId: 'broadcast' }), { to: null });
      await settled(bus, 'InvoiceIssued', 2);

      expect(transport.published().map((envelope) => envelope.header.to)).toEqual(['class-recipient', undefined]);
      expect(broadcastsSeen).toEqual(['broadcast']);
    });

    it('refuses a message with no from anywhere and sends nothing', async () => {
      const anonymousTransport = new MemoryTransport({ retain: 10 });
      const anonymousBus = new MessageBus({ transports: { memory: anonymousTransport } });
      await anonymousBus.start();
      try {
        const publishing = anonymousBus.publish(new Ping());

        await expect(publishing).rejects.toBeInstanceOf(MessageValidationError);
        const error = (await publishing.catch((e: unknown) => e)) as MessageValidationError;
        expect(error.code).toBe('SM_VALIDATION_FAILED');
        expect(error.messageClass).toBe('Ping');
        expect(error.messageType).toBe('Ping'); // the deprecated alias of 0.1
        expect(error.violations).toEqual([
          expect.objectContaining({
            property: 'from',
            source: 'header',
            constraints: { isNotEmpty: expect.any(String) },
          }),
        ]);
        expect(anonymousTransport.published()).toEqual([]);
        expect(anonymousBus.statistics.forType('Ping').published).toBe(0);
      } finally {
        await anonymousBus.shutdown();
      }
    });
  });

  describe('payload validation', () => {
    it('reports one entry per failing property with class-validator messages, nested as address.city', async () => {
      const customer = Object.assign(new CustomerRegistered(), {
        name: 5,
        age: 16.5,
        address: Object.assign(new Address(), { city: '' }),
      });

      const error = (await bus.publish(customer).catch((e: unknown) => e)) as MessageValidationError;

      expect(error).toBeInstanceOf(MessageValidationError);
      expect(error).toMatchObject({ code: 'SM_VALIDATION_FAILED', messageClass: 'CustomerRegistered' });
      const byProperty = Object.fromEntries(error.violations.map((v) => [v.property, v.constraints]));
      expect(byProperty).toEqual({
        name: { isString: 'name must be a string' },
        age: { isInt: 'age must be an integer number', min: 'age must not be less than 18' },
        'address.city': { isNotEmpty: 'city should not be empty' },
      });
      expect(error.violations.every((violation) => violation.source === 'payload')).toBe(true);
      expect(error.violations).toHaveLength(3);
      expect(transport.published()).toEqual([]);
    });

    it('sends a message whose every rule holds', async () => {
      await bus.publish(new CustomerRegistered());

      expect(JSON.parse(transport.published()[0]!.payload as string)).toEqual({
        name: 'Ada',
        age: 36,
        address: { city: 'Lyon' },
      });
    });
  });

  describe('things that are not messages', () => {
    it.each([
      ['an instance of a class without @Message()', new NotDecorated(), 'NotDecorated'],
      ['a plain object', { name: 'plain' }, 'Object'],
    ])('refuses %s with NotAMessageError', async (_case, value, typeName) => {
      const publishing = bus.publish(value);

      await expect(publishing).rejects.toBeInstanceOf(NotAMessageError);
      await expect(publishing).rejects.toMatchObject({ code: 'SM_NOT_A_MESSAGE', typeName });
      expect(transport.published()).toEqual([]);
    });

    it.each([
      ['a plain object', { note: 'hello' }],
      ['an object without prototype', Object.assign(Object.create(null) as object, { note: 'hello' })],
    ])('says that %s needs to be an instance of the message class', async (_case, value) => {
      const publishing = bus.publish(value);

      await expect(publishing).rejects.toMatchObject({
        code: 'SM_NOT_A_MESSAGE',
        message: expect.stringMatching(/instance of the message class, e\.g\. Object\.assign\(new \w+\(\), \{/),
      });
      expect(transport.published()).toEqual([]);
    });

    it('refuses an object literal and a promise at compile time too', async () => {
      const [literal, promise] = await Promise.allSettled([
        // @ts-expect-error an object literal is not an instance of a message class
        bus.publish({ note: 'hello' }),
        // @ts-expect-error a promise not awaited
        bus.publish(Promise.resolve(new Ping())),
      ]);

      expect(literal).toMatchObject({
        status: 'rejected',
        reason: { message: expect.stringContaining('Object.assign(new') },
      });
      expect(promise).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('await it') } });
    });

    it('names the message class when the transport it names is not configured', async () => {
      @Message({ transport: 'nowhere' })
      class Stray {
        @IsString() note = 'lost';
      }

      const publishing = bus.publish(new Stray());

      await expect(publishing).rejects.toBeInstanceOf(UnknownTransportError);
      await expect(publishing).rejects.toMatchObject({
        code: 'SM_UNKNOWN_TRANSPORT',
        transportName: 'nowhere',
        messageClass: 'Stray',
        message: expect.stringContaining('message type Stray names it in @Message({ transport })'),
      });
      expect(transport.published()).toEqual([]);
    });
  });

  describe('header', () => {
    it('sets uuid, publishedAt, publisherPid, serializer, version and messageClass', async () => {
      const returned = await bus.publish(new Refunded());

      const header = sentHeader();
      expect(returned).toEqual(header);
      expect(header.uuid).toMatch(UUID_V4);
      expect(header.publishedAt).toMatch(ISO_WITH_MS);
      expect(new Date(header.publishedAt).toISOString()).toBe(header.publishedAt);
      expect(header).toMatchObject({
        messageClass: 'billing.Refunded',
        version: 3,
        publisherPid: process.pid,
        serializer: 'json',
        from: 'billing',
      });
    });

    it('gives every published message its own uuid', async () => {
      await bus.publish(new Ping());
      await bus.publish(new Ping());

      const [first, second] = transport.published().map((envelope) => envelope.header.uuid);
      expect(first).toMatch(UUID_V4);
      expect(second).toMatch(UUID_V4);
      expect(first).not.toBe(second);
    });

    it('keeps the header out of the encoded payload', async () => {
      await bus.publish(new Refunded());

      expect(JSON.parse(transport.published()[0]!.payload as string)).toEqual({ refundId: 'R-1', cents: 250 });
    });
  });
});
