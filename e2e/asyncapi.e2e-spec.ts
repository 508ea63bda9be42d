import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { AsyncApiDocument, Envelope, MessageBus } from '@smart-message/nestjs';
import { TransportSubscription } from '@smart-message/nestjs/transport-kit';
import request from 'supertest';
import { failures, schemaValidator, specFindings } from '../packages/nestjs/test/catalog/support/asyncapi-check';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';

const order = { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250, customerEmail: 'ada@example.com' };

describe('sample app: the message catalog as AsyncAPI', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
  });

  const fetchDocument = async (): Promise<AsyncApiDocument> =>
    (await request(app.getHttpServer()).get('/messages/asyncapi.json').expect(200)).body as AsyncApiDocument;

  it('serves a document that @asyncapi/parser accepts with no error and no warning', async () => {
    const document = await fetchDocument();

    expect(await specFindings(document)).toEqual([]);
    expect(document.info).toMatchObject({ title: 'SmartMessage sample shop', version: '0.1.0' });
    expect(Object.keys(document.components.messages)).toEqual([
      'Announcement.v1',
      'CustomerNotice.v1',
      // Version 1 has no class any more: fulfillment reads it through the version 2 upcaster.
      'OrderPlaced.v1',
      'OrderPlaced.v2',
      'OrderShipped.v1',
      'PaymentAuthorized.v1',
      'PaymentRequested.v1',
    ]);
  }, 60_000);

  it('shows request–reply between orders and payments on both sides', async () => {
    const document = await fetchDocument();
    const reply = {
      channel: { $ref: '#/channels/PaymentAuthorized.broadcast' },
      messages: [{ $ref: '#/channels/PaymentAuthorized.broadcast/messages/PaymentAuthorized.v1' }],
    };

    expect(document.operations['OrdersService.send.PaymentRequested.v1']).toMatchObject({
      action: 'send',
      channel: { $ref: '#/channels/PaymentRequested.durable' },
      reply,
    });
    expect(document.operations['PaymentsService.authorize']).toMatchObject({ action: 'receive', reply });
    expect(document.operations['FulfillmentService.onOrderPlaced']).toMatchObject({
      action: 'receive',
      channel: { $ref: '#/channels/OrderPlaced.durable' },
      messages: [
        { $ref: '#/channels/OrderPlaced.durable/messages/OrderPlaced.v2' },
        { $ref: '#/channels/OrderPlaced.durable/messages/OrderPlaced.v1' },
      ],
    });
    expect(document.operations['BroadcastsController.send.Announcement.v1']?.action).toBe('send');
    // Encrypted on the wire: the schema is of what the chain decodes to.
    expect(document.components.messages['PaymentRequested.v1']).toMatchObject({
      contentType: 'application/json',
      'x-smart-message-serializer': 'json+a256gcm',
    });
  });

  it('has schemas that accept the payloads a real order publishes and refuse broken ones', async () => {
    const document = await fetchDocument();
    const durable = app.get(MessageBus).transport('durable');
    const sent = new Map<string, Envelope>();
    const taps: TransportSubscription[] = [];
    for (const messageClass of ['OrderPlaced', 'CustomerNotice']) {
      taps.push(
        await durable.subscribe(
          messageClass,
          async (envelope) => {
            sent.set(messageClass, envelope);
          },
          { concurrency: 1, group: 'asyncapi-e2e' },
        ),
      );
    }
    try {
      await request(app.getHttpServer()).post('/orders').send(order).expect(201);
      await eventually(async () => expect([...sent.keys()].sort()).toEqual(['CustomerNotice', 'OrderPlaced']));
    } finally {
      await Promise.all(taps.map((tap) => tap.unsubscribe()));
    }

    for (const [messageClass, envelope] of sent) {
      const version = envelope.header.version;
      const validate = schemaValidator(document, `#/components/schemas/${messageClass}.v${version}`);
      const payload = JSON.parse(envelope.payload as string) as Record<string, unknown>;
      expect({ messageClass, failures: validate(payload) ? [] : failures(validate.errors) }).toEqual({
        messageClass,
        failures: [],
      });
    }
    expect(sent.get('OrderPlaced')?.header.version).toBe(2);
    const orderPlaced = schemaValidator(document, '#/components/schemas/OrderPlaced.v2');
    const payload = JSON.parse(sent.get('OrderPlaced')!.payload as string) as Record<string, unknown>;
    expect(orderPlaced({ ...payload, quantity: 0 })).toBe(false);
    expect(failures(orderPlaced.errors)).toEqual(['/quantity minimum']);
    expect(orderPlaced({ ...payload, currency: 'CHF' })).toBe(false);
    expect(failures(orderPlaced.errors)).toEqual(['/currency enum']);
  });

  it('renders the document on a page of its own, with nothing loaded from elsewhere', async () => {
    const response = await request(app.getHttpServer()).get('/messages/asyncapi').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.text).toContain("fetch('asyncapi.json')");
    expect(response.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
  });
});
