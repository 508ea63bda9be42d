import 'reflect-metadata';
import { trace } from '@opentelemetry/api';
import { IsString } from 'class-validator';
import { Envelope, Message, MessageBus } from '@smart-message/nestjs';
import { OpenTelemetryMessageObserver } from '@smart-message/opentelemetry';
import { waitFor } from '@smart-message/testing';

// No SDK is registered in this file (its own module registry keeps the others' away): the
// observer must change nothing.

@Message()
class ParcelShipped {
  @IsString() parcelId = '';
}

@Message()
class ParcelTracked {
  @IsString() parcelId = '';
}

interface Delivery {
  messageClass: string;
  header: Envelope['header'];
  activeSpan: unknown;
}

describe('without an OpenTelemetry SDK', () => {
  let bus: MessageBus;

  afterEach(() => bus.shutdown());

  it('delivers as usual, with no trace context in headers and no active span in handlers', async () => {
    bus = new MessageBus({ entity: 'shipping', observers: [new OpenTelemetryMessageObserver()] });
    const deliveries: Delivery[] = [];
    const record = (messageClass: string, header: Envelope['header']): void => {
      deliveries.push({ messageClass, header, activeSpan: trace.getActiveSpan() });
    };
    await bus.subscribe(ParcelShipped, async (message, context) => {
      record('ParcelShipped', context.header);
      await bus.publish(Object.assign(new ParcelTracked(), { parcelId: message.parcelId }));
    });
    await bus.subscribe(ParcelTracked, (_message, context) => record('ParcelTracked', context.header));
    await bus.start();

    const published = await bus.publish(Object.assign(new ParcelShipped(), { parcelId: 'p-1' }));
    await waitFor(() => deliveries.length === 2, 'both deliveries');

    expect(deliveries.map((delivery) => [delivery.messageClass, delivery.activeSpan])).toEqual([
      ['ParcelShipped', undefined],
      ['ParcelTracked', undefined],
    ]);
    expect(published).not.toHaveProperty('traceparent');
    for (const { header } of deliveries) {
      expect(header).not.toHaveProperty('traceparent');
      expect(header).not.toHaveProperty('tracestate');
    }
  });

  it('lets a handler failure through unchanged', async () => {
    const failures: string[] = [];
    bus = new MessageBus({
      entity: 'shipping',
      observers: [new OpenTelemetryMessageObserver()],
      onUndeliverable: (event) => {
        failures.push(`${event.reason}: ${event.error.message}`);
      },
    });
    await bus.subscribe(ParcelShipped, () => {
      throw new Error('label printer jammed');
    });
    await bus.start();
    await bus.publish(Object.assign(new ParcelShipped(), { parcelId: 'p-2' }));
    await waitFor(() => failures.length === 1, 'the failure report');
    expect(failures).toEqual(['handler-failed: label printer jammed']);
  });
});
