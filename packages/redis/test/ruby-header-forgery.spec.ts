import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { IsOptional, IsString } from 'class-validator';
import { FrameDecodeError, Message, MessageBus } from '@smart-message/nestjs';
import { RedisPubSubTransport, ReservedPropertyError, RubySmartMessageCodec } from '@smart-message/redis';

const REAL_HEADER =
  '{"uuid":"0b5c6f1e-4c0e-4f7c-9a43-2f3f5c1d9e21","message_class":"OrderPlaced","published_at":"2025-09-11 14:30:00 -0500","publisher_pid":48213,"version":1,"from":"order-service","serializer":"SmartMessage::Serializer::Json"}';
const FORGED_HEADER = REAL_HEADER.replace('order-service', 'payments-service');

@Message({ name: `Forgery${randomUUID().slice(0, 8)}`, from: 'nest-orders' })
class Forgery {
  @IsString() order_id = 'ORD-1';
  @IsOptional() _sm_header?: unknown;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('Ruby SmartMessage frames: the header cannot be forged by a payload property', () => {
  const codec = new RubySmartMessageCodec();

  it.each([
    [
      'a second _sm_header after the properties',
      `{"_sm_header":${REAL_HEADER},"order_id":"ORD-1","_sm_header":${FORGED_HEADER}}`,
    ],
    [
      'a second _sm_header spelled with \\u escapes',
      `{"_sm_header":${REAL_HEADER},"\\u005fsm_header":${FORGED_HEADER}}`,
    ],
    [
      'an escaped first and a literal second',
      `{"\\u005f\\u0073m_header":${REAL_HEADER},"_sm_header":${FORGED_HEADER}}`,
    ],
  ])('refuses a frame with %s', (_case, frame) => {
    expect(() => codec.decode(frame)).toThrow(FrameDecodeError);
    expect(() => codec.decode(frame)).toThrow(/more than one _sm_header/);
  });

  it.each([
    ['a nested _sm_header', `{"_sm_header":${REAL_HEADER},"order_id":"ORD-1","meta":{"_sm_header":1}}`],
    ['a string value "_sm_header"', `{"_sm_header":${REAL_HEADER},"order_id":"_sm_header","note":"\\"_sm_header\\":"}`],
    ['\\u escapes elsewhere', `{"_sm_header":${REAL_HEADER},"note":"caf\\u00e9"}`],
  ])('still reads a frame with %s', (_case, frame) => {
    expect(codec.decode(frame).header.from).toBe('order-service');
  });

  it('refuses on publish a message with a payload property named _sm_header, sending nothing', async () => {
    const bus = new MessageBus({
      entity: 'nest-orders',
      logger: silent,
      transports: { ruby: new RedisPubSubTransport({ codec, logger: silent }) },
    });
    try {
      const message = Object.assign(new Forgery(), { _sm_header: JSON.parse(FORGED_HEADER) as unknown });
      const published = bus.publish(message);
      await expect(published).rejects.toBeInstanceOf(ReservedPropertyError);
      await expect(published).rejects.toMatchObject({ code: 'SM_RESERVED_PROPERTY', property: '_sm_header' });
      await expect(bus.publish(new Forgery())).resolves.toBeDefined();
    } finally {
      await bus.shutdown(1000);
    }
  });

  it.each([
    ['a from above the address limit', { from: 'x'.repeat(257) }],
    ['a numeric to', { to: 5 }],
    ['an empty to', { to: '' }],
    ['a published_at that is no time', { published_at: 'yesterday' }],
    ['a textual publisher_pid', { publisher_pid: 'root' }],
  ])('refuses a header with %s', (_case, fields) => {
    const header = JSON.stringify({ ...(JSON.parse(REAL_HEADER) as object), ...fields });
    expect(() => codec.decode(`{"_sm_header":${header},"order_id":"ORD-1"}`)).toThrow(FrameDecodeError);
  });
});
