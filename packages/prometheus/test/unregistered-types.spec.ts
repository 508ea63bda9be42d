import 'reflect-metadata';
import { IsString } from 'class-validator';
import { Envelope, MemoryTransport, Message, MessageBus } from '@smart-message/nestjs';
import { METRIC_NAMES, PrometheusMessageObserver } from '@smart-message/prometheus';
import { Registry } from 'prom-client';
import { scrapedSamples } from './support/scraped-samples';

@Message({ name: 'GaugedPing' })
class GaugedPing {
  @IsString() note = 'hi';
}

const FORGED_TYPES = 2_000;

function forged(type: string, index: number): Envelope {
  return {
    header: {
      uuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      messageClass: type,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: 1,
      from: 'somebody',
      serializer: 'json',
    },
    payload: '{}',
  };
}

describe('PrometheusMessageObserver with message types a sender makes up', () => {
  it.each([
    ['watching the bus', true],
    ['not told of a bus', false],
  ])('labels frames of unregistered types unknown, %s', async (_title, watched) => {
    const registry = new Registry();
    const observer = new PrometheusMessageObserver({ registry });
    const bus = new MessageBus({
      entity: 'gauge',
      transports: { memory: new MemoryTransport() },
      observers: [observer],
    });
    if (watched) observer.watch(bus);
    await bus.subscribe(GaugedPing, () => undefined);
    await bus.start();
    try {
      for (let index = 0; index < FORGED_TYPES; index++) {
        await bus.dispatcher.deliver(forged(`Forged${index}`, index), 'memory');
      }
      for (let index = 0; index < 20; index++) await bus.publishEnvelope(forged(`Replayed${index}`, index));
      await bus.publish(new GaugedPing());
      await bus.dispatcher.deliver(forged('GaugedPing', FORGED_TYPES), 'memory');

      const samples = scrapedSamples(await registry.metrics());
      const typesOf = (name: string): string[] =>
        [...new Set(samples.filter((s) => s.name === name).map((s) => s.labels.message_type))].sort();
      expect(typesOf(METRIC_NAMES.received)).toEqual(['GaugedPing', 'unknown']);
      expect(typesOf(METRIC_NAMES.published)).toEqual(['GaugedPing', 'unknown']);
      const unknownReceived = samples.find(
        (s) => s.name === METRIC_NAMES.received && s.labels.message_type === 'unknown',
      );
      expect(unknownReceived?.value).toBe(FORGED_TYPES);
    } finally {
      await bus.shutdown().catch(() => undefined);
    }
  });
});
