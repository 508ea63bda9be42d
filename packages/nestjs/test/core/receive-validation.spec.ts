import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { IsInt, IsString, Min } from 'class-validator';
import {
  EncodedPayload,
  MemoryTransport,
  Message,
  MessageBus,
  MessageHeader,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { settled } from './wait-for';

@Message()
class OrderPlaced {
  @IsString() orderId!: string;
  @IsInt() @Min(1) quantity = 1;
}

/** A header as another service's publisher would have written it. */
function headerFor(overrides: Partial<MessageHeader> = {}): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass: 'OrderPlaced',
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 4242,
    from: 'remote-shop',
    serializer: 'json',
    ...overrides,
  };
}

describe('validation on receipt', () => {
  let bus: MessageBus;
  let received: OrderPlaced[];
  let undeliverable: UndeliverableMessage[];
  let handlerId: string;

  beforeEach(async () => {
    undeliverable = [];
    received = [];
    bus = new MessageBus({
      entity: 'warehouse',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    await bus.subscribe(OrderPlaced, (message) => void received.push(message));
    await bus.start();
    handlerId = bus.routes()[0]!.handlerId;
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  /** Puts an envelope on the transport directly, bypassing the publisher's own validation. */
  async function receive(payload: EncodedPayload, header: MessageHeader = headerFor()): Promise<MessageHeader> {
    await bus.transport('memory').publish({ header, payload });
    return header;
  }

  it('delivers a valid raw envelope as a class instance with field defaults applied', async () => {
    await receive('{"orderId":"A-1"}');
    await settled(bus, 'OrderPlaced', 1);

    expect(received).toHaveLength(1);
    expect(received[0]).toBeInstanceOf(OrderPlaced);
    expect(received[0]).toEqual(Object.assign(new OrderPlaced(), { orderId: 'A-1', quantity: 1 }));
    expect(undeliverable).toEqual([]);
  });

  it('does not deliver a payload that breaks the class rules, counts it rejected and reports it invalid', async () => {
    const header = await receive('{"orderId":5}');
    await settled(bus, 'OrderPlaced', 1);

    expect(received).toEqual([]);
    expect(bus.statistics.forHandler(handlerId)).toMatchObject({ rejected: 1, delivered: 0, succeeded: 0 });
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'invalid',
        handlerId,
        transport: 'memory',
        envelope: expect.objectContaining({ header }),
        error: expect.objectContaining({
          name: 'MessageValidationError',
          code: 'SM_VALIDATION_FAILED',
          message: expect.stringContaining('orderId must be a string'),
        }),
      }),
    ]);
  });

  it('reports a payload that is JSON but not an object as invalid', async () => {
    await receive('[1,2,3]');
    await settled(bus, 'OrderPlaced', 1);

    expect(received).toEqual([]);
    expect(undeliverable.map(({ reason, error }) => ({ reason, code: error.code }))).toEqual([
      { reason: 'invalid', code: 'SM_VALIDATION_FAILED' },
    ]);
  });

  it('keeps delivering valid messages after an invalid one', async () => {
    await receive('{"orderId":"A-1","quantity":0}');
    await receive('{"orderId":"A-2","quantity":3}');
    await settled(bus, 'OrderPlaced', 2);

    expect(received.map((order) => order.orderId)).toEqual(['A-2']);
    expect(bus.statistics.forHandler(handlerId)).toMatchObject({ rejected: 1, delivered: 1, succeeded: 1 });
  });

  it('reports a payload its serializer cannot decode as undecodable', async () => {
    const header = await receive('}{ not json at all');
    await settled(bus, 'OrderPlaced', 1);

    expect(received).toEqual([]);
    expect(bus.statistics.forHandler(handlerId)).toMatchObject({ rejected: 1, delivered: 0 });
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'undecodable',
        envelope: expect.objectContaining({ header }),
        error: expect.objectContaining({ name: 'PayloadDecodeError', code: 'SM_PAYLOAD_DECODE' }),
      }),
    ]);
  });

  it('reports a payload whose serializer is unknown as undecodable with SM_UNKNOWN_SERIALIZER', async () => {
    await receive('{"orderId":"A-1"}', headerFor({ serializer: 'protobuf' }));
    await settled(bus, 'OrderPlaced', 1);

    expect(received).toEqual([]);
    expect(bus.statistics.forHandler(handlerId)).toMatchObject({ rejected: 1, delivered: 0 });
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'undecodable',
        error: expect.objectContaining({
          name: 'UnknownSerializerError',
          code: 'SM_UNKNOWN_SERIALIZER',
          message: expect.stringContaining('protobuf'),
        }),
      }),
    ]);
  });
});
