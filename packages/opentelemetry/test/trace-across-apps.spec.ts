import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { SpanKind, trace } from '@opentelemetry/api';
import { IsNumber, IsString } from 'class-validator';
import { Message, MessageBus, Subscribe } from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../../redis/test/support/redis-keys';
import { InMemoryTracing, parentIdOf, spanIdOf, traceIdOf } from './support/in-memory-tracing';
import { startTracedApp, TracedApp } from './support/traced-app';

@Message()
class OrderPlaced {
  @IsString() orderId = '';
}

@Message()
class OrderPacked {
  @IsString() orderId = '';
}

@Message()
class PriceQuery {
  @IsString() sku = '';
}

@Message()
class PriceQuote {
  @IsString() sku = '';
  @IsNumber() cents = 0;
}

/** Service A's handler: hears that B packed the order. */
@Injectable()
class PackedOrders {
  readonly packed: string[] = [];

  @Subscribe()
  onPacked(packed: OrderPacked): void {
    this.packed.push(packed.orderId);
  }
}

/** Service B: packs placed orders (publishing from inside the handler) and answers price queries. */
@Injectable()
class Warehouse {
  constructor(private readonly bus: MessageBus) {}

  @Subscribe()
  async onPlaced(placed: OrderPlaced): Promise<void> {
    await this.bus.publish(Object.assign(new OrderPacked(), { orderId: placed.orderId }));
  }

  @Subscribe()
  onQuery(query: PriceQuery): PriceQuote {
    return Object.assign(new PriceQuote(), { sku: query.sku, cents: 1250 });
  }
}

describe('a trace across two Nest applications over Redis', () => {
  const tracing = new InMemoryTracing();
  const prefix = uniquePrefix('otel');
  let appA: TracedApp;
  let appB: TracedApp;

  beforeAll(async () => {
    tracing.register();
    appA = await startTracedApp('service-a', prefix, [PackedOrders]);
    appB = await startTracedApp('service-b', prefix, [Warehouse]);
  });

  afterAll(async () => {
    await appA?.app.close();
    await appB?.app.close();
    await tracing.unregister();
    await deleteKeys(prefix);
  });

  beforeEach(() => tracing.exporter.reset());

  it('links the publisher, the handler in the other app and what that handler publishes in one trace', async () => {
    const checkout = trace.getTracer('test');
    await checkout.startActiveSpan('checkout', async (span) => {
      await appA.bus.publish(Object.assign(new OrderPlaced(), { orderId: 'o-1' }));
      span.end();
    });
    await waitFor(
      () => tracing.has('OrderPacked process'),
      () => `spans, have ${tracing.names().join(', ')}`,
    );

    const root = tracing.span('checkout');
    const placedPublish = tracing.span('OrderPlaced publish');
    const placedProcess = tracing.span('OrderPlaced process');
    const packedPublish = tracing.span('OrderPacked publish');
    const packedProcess = tracing.span('OrderPacked process');
    expect(appA.app.get(PackedOrders).packed).toEqual(['o-1']);

    const spans = [root, placedPublish, placedProcess, packedPublish, packedProcess];
    expect(new Set(spans.map(traceIdOf))).toEqual(new Set([traceIdOf(root)]));
    expect(parentIdOf(placedPublish)).toBe(spanIdOf(root));
    expect(parentIdOf(placedProcess)).toBe(spanIdOf(placedPublish));
    expect(parentIdOf(packedPublish)).toBe(spanIdOf(placedProcess));
    expect(parentIdOf(packedProcess)).toBe(spanIdOf(packedPublish));

    expect([placedPublish.kind, placedProcess.kind, packedPublish.kind, packedProcess.kind]).toEqual([
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
    ]);
    expect(placedPublish.attributes).toMatchObject({
      'messaging.system': 'redis',
      'messaging.destination.name': 'OrderPlaced',
      'messaging.operation': 'publish',
      'messaging.operation.type': 'publish',
      'smart_message.transport': 'redis',
      'smart_message.from': 'service-a',
    });
    expect(placedProcess.attributes).toMatchObject({
      'messaging.system': 'redis',
      'messaging.destination.name': 'OrderPlaced',
      'messaging.message.id': placedPublish.attributes['messaging.message.id'],
      'messaging.operation': 'process',
      'messaging.operation.type': 'process',
      'smart_message.handler.id': 'Warehouse.onPlaced',
      'smart_message.delivery.attempt': 1,
    });
    // The follow-up belongs to the conversation the first message started.
    expect(packedPublish.attributes['messaging.message.conversation_id']).toBe(
      placedPublish.attributes['messaging.message.id'],
    );
    expect(packedProcess.attributes['smart_message.handler.id']).toBe('PackedOrders.onPacked');
  });

  it('keeps a request and its reply in one trace', async () => {
    const quote = await trace.getTracer('test').startActiveSpan('quote', async (span) => {
      const reply = await appA.bus.request(Object.assign(new PriceQuery(), { sku: 'mug' }), {
        replyType: PriceQuote,
        timeoutMs: 5000,
      });
      span.end();
      return reply;
    });
    expect(quote).toMatchObject({ sku: 'mug', cents: 1250 });
    await waitFor(
      () => tracing.has('PriceQuote process'),
      () => `spans, have ${tracing.names().join(', ')}`,
    );

    const root = tracing.span('quote');
    const queryPublish = tracing.span('PriceQuery publish');
    const queryProcess = tracing.span('PriceQuery process');
    const replyPublish = tracing.span('PriceQuote publish');
    const replyProcess = tracing.span('PriceQuote process');

    const spans = [root, queryPublish, queryProcess, replyPublish, replyProcess];
    expect(new Set(spans.map(traceIdOf))).toEqual(new Set([traceIdOf(root)]));
    expect(parentIdOf(queryProcess)).toBe(spanIdOf(queryPublish));
    expect(parentIdOf(replyPublish)).toBe(spanIdOf(queryProcess));
    expect(parentIdOf(replyProcess)).toBe(spanIdOf(replyPublish));
    expect(replyPublish.attributes).toMatchObject({
      'messaging.message.conversation_id': queryPublish.attributes['messaging.message.id'],
      'smart_message.to': 'service-a',
    });
  });
});
