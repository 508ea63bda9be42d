import 'reflect-metadata';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { IsString } from 'class-validator';
import { Envelope, Message, MessageBus, MemoryTransport, Transport } from '@smart-message/nestjs';
import { OpenTelemetryMessageObserver } from '@smart-message/opentelemetry';
import { waitFor } from '@smart-message/testing';
import { InMemoryTracing, parentIdOf, spanIdOf } from './support/in-memory-tracing';

@Message()
class StockReserved {
  @IsString() sku = '';
}

const reserved = (sku: string): StockReserved => Object.assign(new StockReserved(), { sku });

/** A broker that is down: every publish fails. */
class UnreachableTransport implements Transport {
  readonly kind = 'redis-pubsub';
  async publish(): Promise<void> {
    throw new Error('broker unreachable');
  }
  async subscribe(): Promise<{ unsubscribe(): Promise<void> }> {
    return { unsubscribe: async () => undefined };
  }
  async close(): Promise<void> {}
}

describe('span outcomes', () => {
  const tracing = new InMemoryTracing();
  let bus: MessageBus;

  beforeAll(() => tracing.register());
  afterAll(() => tracing.unregister());
  beforeEach(() => tracing.exporter.reset());
  afterEach(() => bus.shutdown());

  it('carries the producer span as traceparent in the header the handler sees', async () => {
    const transports = { local: new MemoryTransport() };
    bus = new MessageBus({
      entity: 'stock',
      transports,
      observers: [new OpenTelemetryMessageObserver({ transports })],
    });
    const headers: Envelope['header'][] = [];
    await bus.subscribe(StockReserved, (_message, context) => {
      headers.push(context.header);
    });
    await bus.start();
    const published = await bus.publish(reserved('mug'));
    await waitFor(() => tracing.has('StockReserved process'), 'the consumer span');

    const producer = tracing.span('StockReserved publish');
    const { traceId, spanId } = producer.spanContext();
    expect(published.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(headers.map((header) => header.traceparent)).toEqual([published.traceparent]);
    expect(producer.attributes['messaging.system']).toBe('memory');
    expect(producer.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentIdOf(tracing.span('StockReserved process'))).toBe(spanId);
  });

  it('marks the consumer span failed, with the exception, when the handler throws', async () => {
    bus = new MessageBus({ entity: 'stock', observers: [new OpenTelemetryMessageObserver()] });
    await bus.subscribe(StockReserved, () => {
      throw new Error('out of stock');
    });
    await bus.start();
    await bus.publish(reserved('mug'));
    await waitFor(() => tracing.has('StockReserved process'), 'the consumer span');

    const consumer = tracing.span('StockReserved process');
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of stock' });
    expect(consumer.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([
      ['exception', 'out of stock'],
    ]);
    expect(consumer.attributes['messaging.system']).toBe('smart_message');
    expect(parentIdOf(consumer)).toBe(spanIdOf(tracing.span('StockReserved publish')));
  });

  it('marks the producer span failed when the transport does not take the message', async () => {
    const transports = { broker: new UnreachableTransport() };
    bus = new MessageBus({
      entity: 'stock',
      transports,
      observers: [new OpenTelemetryMessageObserver({ transports })],
    });
    await bus.start();
    await expect(bus.publish(reserved('mug'))).rejects.toThrow('broker unreachable');

    const producer = tracing.span('StockReserved publish');
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(producer.status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker unreachable' });
    expect(producer.attributes['messaging.system']).toBe('redis');
    expect(producer.ended).toBe(true);
  });
});
