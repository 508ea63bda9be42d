import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { IsArray, IsInt, IsNumber, IsOptional, IsString } from 'class-validator';
import { Message, MessageBus, MessageContext } from '@smart-message/nestjs';
import { RedisPubSubTransport, RubySmartMessageCodec } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';

/** Byte for byte what Ruby SmartMessage 0.0.17 publishes for OrderPlaced (reference §16.4). */
const RUBY_FRAME =
  '{"_sm_header":{"uuid":"0b5c6f1e-4c0e-4f7c-9a43-2f3f5c1d9e21","message_class":"OrderPlaced","published_at":"2025-09-11 14:30:00 -0500","publisher_pid":48213,"version":1,"from":"order-service","to":"fulfillment-service","serializer":"SmartMessage::Serializer::Json"},"order_id":"ORD-123","amount":99.99,"items":["Widget A"],"note":null}';

// Each run uses its own Ruby class name, which is also the channel: runs never see each other.
const rubyClassName = `Interop::OrderPlaced${randomUUID().slice(0, 8).replace(/-/g, '')}`;

@Message({ name: rubyClassName, from: 'nest-orders' })
class OrderPlaced {
  @IsString() order_id!: string;
  @IsNumber() amount!: number;
  @IsArray() items: string[] = [];
  @IsOptional() @IsString() note?: string | null;
}

const rubyV1ClassName = `Interop::PaymentDue${randomUUID().slice(0, 8).replace(/-/g, '')}`;

/** The Nest side moved to version 2 (amounts in cents) while the Ruby publisher still sends version 1. */
@Message({
  name: rubyV1ClassName,
  version: 2,
  upcast: { 1: ({ amount, ...rest }) => ({ ...rest, amountCents: Math.round(Number(amount) * 100) }) },
})
class PaymentDue {
  @IsString() order_id!: string;
  @IsInt() amountCents!: number;
  @IsArray() items: string[] = [];
  @IsOptional() @IsString() note?: string | null;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('Ruby SmartMessage frames', () => {
  const codec = new RubySmartMessageCodec();

  it('reads a frame written exactly as the original writes it', () => {
    const { header, payload } = codec.decode(RUBY_FRAME);
    expect(header).toEqual({
      uuid: '0b5c6f1e-4c0e-4f7c-9a43-2f3f5c1d9e21',
      messageClass: 'OrderPlaced',
      version: 1,
      publishedAt: '2025-09-11T19:30:00.000Z',
      publisherPid: 48213,
      from: 'order-service',
      to: 'fulfillment-service',
      serializer: 'json',
    });
    expect(JSON.parse(payload as string)).toEqual({
      order_id: 'ORD-123',
      amount: 99.99,
      items: ['Widget A'],
      note: null,
    });
  });

  it('reads the ISO 8601 time the original writes in other places, and a missing to as broadcast', () => {
    const frame = RUBY_FRAME.replace('2025-09-11 14:30:00 -0500', '2025-08-19T17:28:50.653-05:00').replace(
      ',"to":"fulfillment-service"',
      '',
    );
    const { header } = codec.decode(frame);
    expect(header.publishedAt).toBe('2025-08-19T22:28:50.653Z');
    expect(header.to).toBeUndefined();
  });

  it('writes the original layout: _sm_header first with its keys in the original order, then the properties', () => {
    const frame = codec.encode({
      header: {
        uuid: '0b5c6f1e-4c0e-4f7c-9a43-2f3f5c1d9e21',
        messageClass: 'OrderPlaced',
        version: 1,
        publishedAt: '2025-09-11T19:30:00.123Z',
        publisherPid: 48213,
        from: 'order-service',
        to: 'fulfillment-service',
        replyTo: 'order-service',
        serializer: 'json',
        correlationId: 'not carried',
      },
      payload: '{"order_id":"ORD-123","amount":99.99,"items":["Widget A"]}',
    });
    expect(frame).toBe(
      '{"_sm_header":{"uuid":"0b5c6f1e-4c0e-4f7c-9a43-2f3f5c1d9e21","message_class":"OrderPlaced","published_at":"2025-09-11 19:30:00 +0000","publisher_pid":48213,"version":1,"from":"order-service","to":"fulfillment-service","reply_to":"order-service","serializer":"SmartMessage::Serializer::Json"},"order_id":"ORD-123","amount":99.99,"items":["Widget A"]}',
    );
  });

  describe('over Redis, beside Ruby services', () => {
    const raw = new Redis();
    const listener = new Redis();
    let bus: MessageBus;

    beforeAll(async () => {
      bus = new MessageBus({
        entity: 'nest-fulfillment',
        transports: {
          ruby: new RedisPubSubTransport({ prefix: '', codec: new RubySmartMessageCodec(), logger: silent }),
        },
      });
    });

    afterAll(async () => {
      await bus.shutdown(1000);
      raw.disconnect();
      listener.disconnect();
    });

    it('a Nest handler receives what a Ruby publisher sends on the type-name channel', async () => {
      const received: { order: OrderPlaced; context: MessageContext }[] = [];
      await bus.subscribe(OrderPlaced, (order, context) => void received.push({ order, context }), {
        to: 'fulfillment-service',
      });
      await bus.start();
      await raw.publish(rubyClassName, RUBY_FRAME.replace('"OrderPlaced"', JSON.stringify(rubyClassName)));
      await waitFor(() => received.length === 1, 'the Ruby message');

      expect(received[0]!.order).toBeInstanceOf(OrderPlaced);
      expect(received[0]!.order).toMatchObject({ order_id: 'ORD-123', amount: 99.99, items: ['Widget A'] });
      expect(received[0]!.context.header).toMatchObject({ from: 'order-service', to: 'fulfillment-service' });
    });

    it("a Ruby peer's integer version 1 goes through the same upcast chain as a Nest one", async () => {
      const received: { payment: PaymentDue; context: MessageContext }[] = [];
      await bus.subscribe(PaymentDue, (payment, context) => void received.push({ payment, context }));
      await bus.start();
      await raw.publish(rubyV1ClassName, RUBY_FRAME.replace('"OrderPlaced"', JSON.stringify(rubyV1ClassName)));
      await waitFor(() => received.length === 1, 'the upcast Ruby message');

      expect(received[0]!.payment).toBeInstanceOf(PaymentDue);
      expect({ ...received[0]!.payment }).toEqual({
        order_id: 'ORD-123',
        amountCents: 9999,
        items: ['Widget A'],
        note: null,
      });
      expect(received[0]!.context.originalVersion).toBe(1);
    });

    it('a Ruby subscriber on the type-name channel gets the original frame layout from a Nest publisher', async () => {
      const frames: string[] = [];
      await listener.subscribe(rubyClassName);
      listener.on('message', (_channel: string, message: string) => frames.push(message));
      await bus.publish(Object.assign(new OrderPlaced(), { order_id: 'ORD-9', amount: 5, items: ['Mug'] }), {
        to: 'billing-service',
      });
      await waitFor(() => frames.length === 1, 'the frame on the Ruby channel');

      const frame = JSON.parse(frames[0]!) as Record<string, unknown> & { _sm_header: Record<string, unknown> };
      expect(Object.keys(frame)[0]).toBe('_sm_header');
      expect(Object.keys(frame._sm_header)).toEqual([
        'uuid',
        'message_class',
        'published_at',
        'publisher_pid',
        'version',
        'from',
        'to',
        'serializer',
      ]);
      expect(frame._sm_header).toMatchObject({
        message_class: rubyClassName,
        from: 'nest-orders',
        to: 'billing-service',
        version: 1,
        publisher_pid: process.pid,
        serializer: 'SmartMessage::Serializer::Json',
      });
      expect(frame._sm_header.published_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/);
      expect(frame).toMatchObject({ order_id: 'ORD-9', amount: 5, items: ['Mug'] });
    });
  });
});
