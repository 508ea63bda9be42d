import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Expose, Type } from 'class-transformer';
import { IsDate, IsEmail, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import {
  AsyncApiDocument,
  Describe,
  Envelope,
  HandlerRegistrationError,
  MemoryTransport,
  Message,
  MessageBus,
  MessageCatalog,
  PlainPayload,
  Publishes,
  PublishDeclarationError,
  SmartMessageModule,
  Subscribe,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { failures, schemaValidator, specFindings } from './support/asyncapi-check';

/** A transport that, like the Redis ones, knows the broker's name for each message type. */
class PrefixedMemoryTransport extends MemoryTransport {
  addressOf(messageClass: string): string {
    return `shop:${messageClass}`;
  }
}

class OrderLine {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

@Message({ name: 'ApiOrderPlaced', version: 1, from: 'orders' })
class ApiOrderPlacedV1 {
  @IsUUID() orderId!: string;
}

@Message({ name: 'ApiOrderPlaced', version: 2, from: 'orders', to: 'fulfillment' })
@Describe('A paid order, ready to be packed')
class ApiOrderPlaced {
  @IsUUID() orderId!: string;

  @Describe('Where the receipt goes')
  @IsEmail()
  customerEmail!: string;

  @ValidateNested({ each: true })
  @Type(() => OrderLine)
  lines!: OrderLine[];

  @IsDate()
  @Type(() => Date)
  placedAt!: Date;

  @IsOptional() @IsString() note?: string;
}

@Message({ name: 'ApiPaymentRequested', to: 'payments' })
class ApiPaymentRequested {
  @IsUUID() orderId!: string;
  @IsInt() @Min(1) totalCents!: number;
}

@Message({ name: 'ApiPaymentAuthorized', transport: 'replies' })
class ApiPaymentAuthorized {
  @IsUUID() orderId!: string;
  @IsOptional() @IsString() reason?: string;
}

@Injectable()
@Publishes(ApiOrderPlaced, { type: ApiPaymentRequested, replyType: ApiPaymentAuthorized })
class OrdersPublisher {}

@Injectable()
class Fulfillment {
  @Subscribe({ to: 'fulfillment' })
  onOrderPlaced(_order: ApiOrderPlaced): void {}

  @Subscribe()
  onLegacyOrder(_order: ApiOrderPlacedV1): void {}
}

@Injectable()
class Payments {
  @Subscribe({ replyType: ApiPaymentAuthorized })
  async authorize(request: ApiPaymentRequested): Promise<ApiPaymentAuthorized> {
    return Object.assign(new ApiPaymentAuthorized(), { orderId: request.orderId });
  }

  /** Synchronous: its return type tells the reply. */
  @Subscribe()
  audit(request: ApiPaymentRequested): ApiPaymentAuthorized {
    return Object.assign(new ApiPaymentAuthorized(), { orderId: request.orderId });
  }
}

const order = (): ApiOrderPlaced =>
  Object.assign(new ApiOrderPlaced(), {
    orderId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    customerEmail: 'ada@example.com',
    lines: [Object.assign(new OrderLine(), { sku: 'BOOK-1', quantity: 2 })],
    placedAt: new Date('2026-01-02T03:04:05.678Z'),
  });

describe('the catalog as an AsyncAPI 3.0.0 document', () => {
  let app: INestApplication;
  let memory: MemoryTransport;
  let document: AsyncApiDocument;

  beforeAll(async () => {
    memory = new MemoryTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'shop',
          transports: { memory, replies: new PrefixedMemoryTransport() },
          deadLetters: false,
          logger: false,
        }),
      ],
      providers: [OrdersPublisher, Fulfillment, Payments],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    document = app.get(MessageBus).catalog.toAsyncApi({ title: 'Shop', version: '2.1.0' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('passes @asyncapi/parser with no error and no warning', async () => {
    expect(await specFindings(document)).toEqual([]);
  }, 60_000);

  it('is the catalog the module injects', () => {
    expect(app.get(MessageCatalog)).toBe(app.get(MessageBus).catalog);
    expect(document).toMatchObject({ asyncapi: '3.0.0', info: { title: 'Shop', version: '2.1.0' } });
  });

  it('has a channel per type and transport, addressed as the transport names it, holding every version', () => {
    expect(document.channels['ApiOrderPlaced.memory']).toMatchObject({
      address: 'ApiOrderPlaced',
      messages: {
        'ApiOrderPlaced.v1': { $ref: '#/components/messages/ApiOrderPlaced.v1' },
        'ApiOrderPlaced.v2': { $ref: '#/components/messages/ApiOrderPlaced.v2' },
      },
      'x-smart-message-transport': 'memory',
      'x-smart-message-transport-kind': 'memory',
    });
    expect(document.channels['ApiPaymentAuthorized.replies']?.address).toBe('shop:ApiPaymentAuthorized');
  });

  it('describes each version as a message with the header, its name and version fixed', () => {
    const message = document.components.messages['ApiOrderPlaced.v2'];
    expect(message).toMatchObject({
      name: 'ApiOrderPlaced',
      title: 'ApiOrderPlaced v2',
      summary: 'A paid order, ready to be packed',
      contentType: 'application/json',
      payload: { $ref: '#/components/schemas/ApiOrderPlaced.v2' },
      correlationId: { $ref: '#/components/correlationIds/SmartMessageCorrelation' },
      'x-smart-message-version': 2,
      'x-smart-message-serializer': 'json',
      'x-smart-message-to': 'fulfillment',
    });
    expect(message?.headers).toEqual({
      type: 'object',
      allOf: [{ $ref: '#/components/schemas/SmartMessageHeader' }],
      properties: { messageClass: { const: 'ApiOrderPlaced' }, version: { const: 2 } },
    });
  });

  it('gives each payload the schema of its class-validator rules, nested classes by reference', () => {
    const schema = document.components.schemas['ApiOrderPlaced.v2'];
    expect(schema).toMatchObject({
      type: 'object',
      description: 'A paid order, ready to be packed',
      required: expect.arrayContaining(['orderId', 'customerEmail', 'lines', 'placedAt']),
      properties: {
        orderId: { type: 'string', format: 'uuid' },
        customerEmail: { type: 'string', format: 'email', description: 'Where the receipt goes' },
        lines: { type: 'array', items: { $ref: '#/components/schemas/OrderLine' } },
        note: { type: 'string' },
      },
    });
    expect(schema?.required).not.toContain('note');
    expect(document.components.schemas.OrderLine).toMatchObject({
      type: 'object',
      properties: { quantity: { type: 'integer', minimum: 1 } },
    });
  });

  it('has a send operation per declared publisher, a request with its reply', () => {
    expect(document.operations['OrdersPublisher.send.ApiOrderPlaced.v2']).toEqual({
      action: 'send',
      channel: { $ref: '#/channels/ApiOrderPlaced.memory' },
      title: 'OrdersPublisher sends ApiOrderPlaced v2',
      messages: [{ $ref: '#/channels/ApiOrderPlaced.memory/messages/ApiOrderPlaced.v2' }],
    });
    expect(document.operations['OrdersPublisher.send.ApiPaymentRequested.v1']).toMatchObject({
      action: 'send',
      reply: {
        channel: { $ref: '#/channels/ApiPaymentAuthorized.replies' },
        messages: [{ $ref: '#/channels/ApiPaymentAuthorized.replies/messages/ApiPaymentAuthorized.v1' }],
      },
    });
  });

  it('has a receive operation per handler, with the reply it declares or returns', () => {
    expect(document.operations['Fulfillment.onOrderPlaced']).toMatchObject({
      action: 'receive',
      messages: [{ $ref: '#/channels/ApiOrderPlaced.memory/messages/ApiOrderPlaced.v2' }],
    });
    expect(document.operations['Fulfillment.onLegacyOrder']?.messages).toEqual([
      { $ref: '#/channels/ApiOrderPlaced.memory/messages/ApiOrderPlaced.v1' },
    ]);
    expect(document.operations['Fulfillment.onOrderPlaced']?.reply).toBeUndefined();
    const reply = { channel: { $ref: '#/channels/ApiPaymentAuthorized.replies' } };
    expect(document.operations['Payments.authorize']).toMatchObject({ action: 'receive', reply });
    expect(document.operations['Payments.audit']).toMatchObject({ action: 'receive', reply });
  });

  it('accepts the payload and header of a real publish, and refuses payloads that break a rule', async () => {
    const sent: Envelope[] = [];
    const tap = await memory.subscribe(
      'ApiOrderPlaced',
      async (envelope) => {
        sent.push(envelope);
      },
      { concurrency: 1, group: 'asyncapi-tap' },
    );
    try {
      await app.get(MessageBus).publish(order());
      await waitFor(() => sent.length === 1, 'the published frame');
    } finally {
      await tap.unsubscribe();
    }
    const [envelope] = sent as [Envelope];
    const payload = JSON.parse(envelope.payload as string) as Record<string, unknown>;
    const validPayload = schemaValidator(document, '#/components/schemas/ApiOrderPlaced.v2');
    expect(validPayload(payload)).toBe(true);
    const validHeader = schemaValidator(
      {
        ...document,
        components: {
          ...document.components,
          schemas: {
            ...document.components.schemas,
            header: document.components.messages['ApiOrderPlaced.v2']!.headers,
          },
        },
      },
      '#/components/schemas/header',
    );
    expect(failures(validHeader(envelope.header) ? [] : validHeader.errors)).toEqual([]);
    expect(validHeader({ ...envelope.header, version: 1 })).toBe(false);

    expect(validPayload({ ...payload, lines: [{ sku: 'BOOK-1', quantity: 0 }] })).toBe(false);
    expect(failures(validPayload.errors)).toEqual(['/lines/0/quantity minimum']);
    expect(validPayload({ ...payload, customerEmail: 'not an address' })).toBe(false);
    expect(failures(validPayload.errors)).toEqual(['/customerEmail format']);
    const { orderId: _dropped, ...withoutId } = payload;
    expect(validPayload(withoutId)).toBe(false);
    expect(failures(validPayload.errors)).toEqual(['/ required']);
  });
});

describe('declaring publishers', () => {
  it('names the send operations of the publishes option after the entity (no Nest needed)', () => {
    const bus = new MessageBus({ entity: 'orders', publishes: [ApiPaymentRequested] });
    expect(Object.keys(bus.catalog.toAsyncApi().operations)).toContain('orders.send.ApiPaymentRequested.v1');
  });

  it('refuses, at bootstrap, a @Publishes() entry that is not a message class', async () => {
    class NotAMessage {}
    @Injectable()
    @Publishes(NotAMessage)
    class Confused {}
    const moduleRef = await Test.createTestingModule({
      imports: [SmartMessageModule.forRoot({ deadLetters: false, logger: false })],
      providers: [Confused],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(PublishDeclarationError);
    await expect(app.init()).rejects.toThrow(/Confused.*class NotAMessage without @Message\(\)/);
    await app.close();
  });

  it('refuses a replyType that is not a message class', async () => {
    class NotAReply {}
    const bus = new MessageBus();
    await expect(bus.subscribe(ApiPaymentRequested, () => undefined, { replyType: NotAReply })).rejects.toThrow(
      HandlerRegistrationError,
    );
  });

  it('marks payloads closed when receipt refuses unknown properties', () => {
    const bus = new MessageBus({ unknownProperties: 'refuse' });
    expect(bus.catalog.toAsyncApi().components.schemas['ApiPaymentRequested.v1']?.additionalProperties).toBe(false);
    expect(
      new MessageBus().catalog.toAsyncApi().components.schemas['ApiPaymentRequested.v1']?.additionalProperties,
    ).toBeUndefined();
  });
});

describe('payload schemas', () => {
  const homeAddress = (): NewableFunction => {
    class Address {
      @IsString() street!: string;
    }
    return Address;
  };
  const officeAddress = (): NewableFunction => {
    class Address {
      @IsInt() floor!: number;
    }
    return Address;
  };
  const Home = homeAddress();
  const Office = officeAddress();

  @Message({ name: 'ApiMoved' })
  class ApiMoved {
    @Describe('Shown to the customer')
    @Expose({ name: 'display_name' })
    @IsString()
    displayName!: string;

    @ValidateNested()
    @Type(() => Home)
    home!: object;

    @ValidateNested()
    @Type(() => Office)
    office!: object;
  }

  it('names renamed properties as receipt reads them, and keeps two nested classes of one name apart', () => {
    void ApiMoved;
    const { schemas } = new MessageBus().catalog.toAsyncApi().components;
    expect(schemas['ApiMoved.v1']?.properties).toEqual({
      display_name: { type: 'string', description: 'Shown to the customer' },
      home: { $ref: '#/components/schemas/Address' },
      office: { $ref: '#/components/schemas/Address_2' },
    });
    expect(schemas.Address?.properties).toEqual({ street: { type: 'string' } });
    expect(schemas.Address_2?.properties).toEqual({ floor: { type: 'integer' } });
  });
});

describe('versions read by upcasting and written by downcasting', () => {
  /** Version 3 reads 1 and 2 by upcasting and writes 2 by downcasting; only the version 2 class is loaded beside it. */
  @Message({ name: 'ApiInvoice', version: 2 })
  class ApiInvoiceV2 {
    @IsInt() cents!: number;
  }

  @Message({
    name: 'ApiInvoice',
    version: 3,
    upcast: { 1: (v1: PlainPayload) => ({ ...v1, cents: 0 }), 2: (v2: PlainPayload) => ({ ...v2, currency: 'EUR' }) },
    downcast: { 2: ({ currency: _currency, ...v2 }: PlainPayload) => v2 },
    onFutureVersion: 'tolerant',
  })
  class ApiInvoice {
    @IsInt() cents!: number;
    @IsString() currency!: string;
  }

  let document: AsyncApiDocument;

  beforeAll(async () => {
    void ApiInvoiceV2;
    const bus = new MessageBus({ entity: 'billing', publishes: [ApiInvoice] });
    await bus.subscribe(ApiInvoice, () => undefined);
    await bus.start();
    document = bus.catalog.toAsyncApi();
    await bus.shutdown();
  });

  it('still passes @asyncapi/parser', async () => {
    expect(await specFindings(document)).toEqual([]);
  }, 60_000);

  it('lets the handler receive every version it upcasts, and the publisher send every version it downcasts to', () => {
    const channel = '#/channels/ApiInvoice.memory/messages';
    expect(document.operations['ApiInvoice.subscriber_1']?.messages).toEqual([
      { $ref: `${channel}/ApiInvoice.v3` },
      { $ref: `${channel}/ApiInvoice.v1` },
      { $ref: `${channel}/ApiInvoice.v2` },
    ]);
    expect(document.operations['billing.send.ApiInvoice.v3']?.messages).toEqual([
      { $ref: `${channel}/ApiInvoice.v3` },
      { $ref: `${channel}/ApiInvoice.v2` },
    ]);
    expect(document.components.messages['ApiInvoice.v3']).toMatchObject({
      'x-smart-message-upcasts-from': [1, 2],
      'x-smart-message-publishes-as': [2],
      'x-smart-message-on-future-version': 'tolerant',
    });
  });

  it('gives a version with a class its schema, and one known only through an upcaster a message without one', () => {
    expect(document.components.messages['ApiInvoice.v2']?.payload).toEqual({
      $ref: '#/components/schemas/ApiInvoice.v2',
    });
    expect(document.components.messages['ApiInvoice.v1']).toMatchObject({
      payload: { type: 'object' },
      headers: { properties: { version: { const: 1 } } },
      summary: expect.stringContaining('the version 3 class reads it by upcasting'),
    });
    expect(document.components.schemas['ApiInvoice.v1']).toBeUndefined();
    expect(Object.keys(document.components.messages).filter((id) => id.startsWith('ApiInvoice.'))).toEqual([
      'ApiInvoice.v1',
      'ApiInvoice.v2',
      'ApiInvoice.v3',
    ]);
  });
});
