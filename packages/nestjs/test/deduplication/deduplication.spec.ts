import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  Deduplicate,
  Envelope,
  MemoryDeduplicationStore,
  Message,
  MessageBus,
  MessageContext,
  MessageStatistics,
  Retry,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { createGate, Gate } from '../module/support/gate';

@Message({ name: 'DedupPayment', from: 'shop' })
class Payment {
  @IsString() ref!: string;
}

@Message({ name: 'DedupShipment', from: 'shop', deduplication: { size: 2 } })
class Shipment {
  @IsString() ref!: string;
}

/** An envelope as a transport would carry it, so the very same one can be sent more than once. */
function envelopeOf(messageClass: string, ref: string): Envelope {
  return {
    header: {
      uuid: randomUUID(),
      messageClass,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: process.pid,
      from: 'shop',
      serializer: 'json',
    },
    payload: JSON.stringify({ ref }),
  };
}

@Injectable()
class Ledger {
  readonly started: string[] = [];
  readonly completed: string[] = [];
  failures = 0;
  gate?: Gate;

  @Subscribe()
  @Deduplicate()
  async record(_payment: Payment, context: MessageContext): Promise<void> {
    this.started.push(context.header.uuid);
    await this.gate?.opened;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('ledger unavailable');
    }
    this.completed.push(context.header.uuid);
  }
}

@Injectable()
class Audit {
  readonly completed: string[] = [];

  @Subscribe()
  observe(_payment: Payment, context: MessageContext): void {
    this.completed.push(context.header.uuid);
  }
}

@Injectable()
@Deduplicate({ enabled: false })
class Tally {
  readonly completed: string[] = [];

  @Subscribe()
  count(_payment: Payment, context: MessageContext): void {
    this.completed.push(context.header.uuid);
  }
}

@Injectable()
class Dock {
  readonly received: string[] = [];

  @Subscribe()
  receive(shipment: Shipment): void {
    this.received.push(shipment.ref);
  }

  @Subscribe(Shipment)
  @Deduplicate({ size: 1 })
  label(): void {
    // Only its memory is looked at.
  }
}

@Injectable()
class FlakyLedger {
  readonly attempts: number[] = [];
  readonly completed: string[] = [];
  failures = 0;

  // Retry outside deduplication (decorators apply bottom-up): every attempt is a run of its own.
  @Subscribe()
  @Deduplicate()
  @Retry({ attempts: 3, backoff: 'fixed', initialDelayMs: 1 })
  post(_payment: Payment, context: MessageContext): void {
    this.attempts.push(context.attempt);
    if (this.failures > 0) {
      this.failures--;
      throw new Error('flaky ledger');
    }
    this.completed.push(context.header.uuid);
  }
}

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

describe('deduplication on message handlers', () => {
  let app: INestApplication | undefined;
  let bus: MessageBus;
  let logs: LogLine[];
  let undeliverable: UndeliverableMessage[];

  const boot = async (options: Partial<SmartMessageModuleOptions> = {}): Promise<void> => {
    logs = [];
    undeliverable = [];
    const capture =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void =>
        void logs.push({ level, message, fields });
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'tests',
          logger: { log: capture('log'), warn: capture('warn'), error: capture('error') },
          onUndeliverable: (event) => undeliverable.push(event),
          ...options,
        }),
      ],
      providers: [Ledger, Audit, Tally, Dock, FlakyLedger],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    bus = app.get(MessageBus);
  };

  const counters = (handlerId: string) => app!.get(MessageStatistics).forHandler(handlerId);
  const deduplicated = (handlerId: string): number => counters(handlerId)?.deduplicated ?? 0;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('lets the same envelope delivered twice reach a deduplicating handler once and another handler twice', async () => {
    await boot();
    const ledger = app!.get(Ledger);
    const audit = app!.get(Audit);
    const envelope = envelopeOf('DedupPayment', 'p-1');
    const { uuid } = envelope.header;

    await bus.publishEnvelope(envelope);
    await bus.publishEnvelope(envelope);
    await waitFor(
      () => audit.completed.length === 2 && deduplicated('Ledger.record') === 1,
      () => `audit twice (${audit.completed.length}) and one duplicate skipped (${deduplicated('Ledger.record')})`,
    );

    expect(ledger.started).toEqual([uuid]);
    expect(ledger.completed).toEqual([uuid]);
    expect(audit.completed).toEqual([uuid, uuid]);
    // A skipped duplicate was handled: delivered and succeeded, and counted as deduplicated.
    expect(counters('Ledger.record')).toMatchObject({ delivered: 2, succeeded: 2, failed: 0, deduplicated: 1 });
    expect(counters('Audit.observe')).toMatchObject({ succeeded: 2, deduplicated: 0 });
    expect(undeliverable).toEqual([]);
    expect(logs).toContainEqual({
      level: 'log',
      message: `Skipped duplicate DedupPayment ${uuid} for Ledger.record`,
      fields: expect.objectContaining({ uuid, messageClass: 'DedupPayment', handler: 'Ledger.record', from: 'shop' }),
    });
  });

  it('keeps a uuid another sender published first from making the real message a duplicate', async () => {
    await boot();
    const ledger = app!.get(Ledger);
    const real = envelopeOf('DedupPayment', 'p-real');
    const forged: Envelope = {
      header: { ...real.header, from: 'mallory' },
      payload: JSON.stringify({ ref: 'p-forged' }),
    };

    await bus.publishEnvelope(forged);
    await waitFor(() => ledger.completed.length === 1, 'the forged message to be handled');
    await bus.publishEnvelope(real);
    await bus.publishEnvelope(real);
    await waitFor(
      () => ledger.completed.length === 2 && deduplicated('Ledger.record') === 1,
      () => `the real message once (${ledger.completed.length}) and its copy skipped`,
    );

    expect(counters('Ledger.record')).toMatchObject({ delivered: 3, succeeded: 3, deduplicated: 1 });
  });

  it('deduplicates every handler with the module option, except those exempted, each with its own memory', async () => {
    const store = new MemoryDeduplicationStore();
    await boot({ deduplication: { store } });
    const [ledger, audit, tally] = [app!.get(Ledger), app!.get(Audit), app!.get(Tally)];
    const envelope = envelopeOf('DedupPayment', 'p-2');
    const { uuid } = envelope.header;

    for (let copy = 0; copy < 3; copy++) await bus.publishEnvelope(envelope);
    await waitFor(
      () => tally.completed.length === 3 && deduplicated('Audit.observe') === 2 && deduplicated('Ledger.record') === 2,
      'three copies through every handler',
    );

    expect(audit.completed).toEqual([uuid]);
    // Decorated and module-wide at once: deduplicated once, not waiting on itself.
    expect(ledger.completed).toEqual([uuid]);
    expect(tally.completed).toEqual([uuid, uuid, uuid]);
    expect(store.entries('Audit.observe')).toEqual([uuid]);
    expect(store.entries('Ledger.record')).toEqual([uuid]);
    expect(store.entries('Tally.count')).toEqual([]);
  });

  it('forgets the oldest uuid at the size bound, which comes from the message type unless @Deduplicate gives one', async () => {
    const store = new MemoryDeduplicationStore();
    await boot({ deduplication: { store } });
    const dock = app!.get(Dock);
    const shipments = ['s-1', 's-2', 's-3'].map((ref) => envelopeOf('DedupShipment', ref));
    const [first, second, third] = shipments.map((envelope) => envelope.header.uuid);
    for (const [index, envelope] of shipments.entries()) {
      await bus.publishEnvelope(envelope);
      await waitFor(() => dock.received.length === index + 1, `shipment ${index + 1}`);
    }

    // DedupShipment remembers 2 per handler; label's @Deduplicate({ size: 1 }) remembers 1.
    expect(store.entries('Dock.receive')).toEqual([second, third]);
    expect(store.entries('Dock.label')).toEqual([third]);

    await bus.publishEnvelope(shipments[2]!);
    await waitFor(() => deduplicated('Dock.receive') === 1, 'the remembered shipment to be skipped');
    await bus.publishEnvelope(shipments[0]!);
    await waitFor(() => dock.received.length === 4, 'the forgotten shipment to be processed again');

    expect(dock.received).toEqual(['s-1', 's-2', 's-3', 's-1']);
    expect(store.entries('Dock.receive')).toEqual([third, first]);
  });

  it('does not record a uuid whose handler failed, so a redelivery is processed', async () => {
    await boot();
    const ledger = app!.get(Ledger);
    ledger.failures = 1;
    const envelope = envelopeOf('DedupPayment', 'p-3');
    const { uuid } = envelope.header;

    await bus.publishEnvelope(envelope);
    await waitFor(() => undeliverable.length === 1, 'the failure to be reported');
    await bus.publishEnvelope(envelope);
    await waitFor(() => ledger.completed.length === 1, 'the redelivery to be processed');
    await bus.publishEnvelope(envelope);
    await waitFor(() => deduplicated('Ledger.record') === 1, 'the third copy to be skipped');

    expect(undeliverable[0]).toMatchObject({
      reason: 'handler-failed',
      handlerId: 'Ledger.record',
      error: { message: 'ledger unavailable' },
    });
    expect(ledger.started).toEqual([uuid, uuid]);
    expect(ledger.completed).toEqual([uuid]);
    expect(counters('Ledger.record')).toMatchObject({ failed: 1, succeeded: 2, deduplicated: 1 });
  });

  it('records the uuid once a retry inside the same delivery succeeded', async () => {
    await boot();
    const flaky = app!.get(FlakyLedger);
    flaky.failures = 2;
    const envelope = envelopeOf('DedupPayment', 'p-6');

    await bus.publishEnvelope(envelope);
    await waitFor(() => flaky.completed.length === 1, 'the third attempt to succeed');
    await bus.publishEnvelope(envelope);
    await waitFor(() => deduplicated('FlakyLedger.post') === 1, 'the redelivery to be skipped');

    expect(flaky.attempts).toEqual([1, 2, 3]);
    expect(flaky.completed).toEqual([envelope.header.uuid]);
    expect(undeliverable).toEqual([]);
  });

  describe('concurrent deliveries of one uuid to one handler', () => {
    const runningFor = (handlerId: string): number =>
      bus.inFlightDeliveries().filter((delivery) => delivery.handlerId === handlerId).length;

    it('processes it once: the second waits for the first and is skipped when it succeeded', async () => {
      await boot();
      const ledger = app!.get(Ledger);
      ledger.gate = createGate();
      const envelope = envelopeOf('DedupPayment', 'p-4');

      await bus.publishEnvelope(envelope);
      await bus.publishEnvelope(envelope);
      await waitFor(() => ledger.started.length === 1 && runningFor('Ledger.record') === 2, 'both copies in flight');
      ledger.gate.open();
      await waitFor(() => runningFor('Ledger.record') === 0, 'both copies to finish');

      expect(ledger.started).toEqual([envelope.header.uuid]);
      expect(ledger.completed).toEqual([envelope.header.uuid]);
      expect(counters('Ledger.record')).toMatchObject({ succeeded: 2, failed: 0, deduplicated: 1 });
    });

    it('lets the waiting copy process it when the first one failed', async () => {
      await boot();
      const ledger = app!.get(Ledger);
      ledger.gate = createGate();
      ledger.failures = 1;
      const envelope = envelopeOf('DedupPayment', 'p-5');

      await bus.publishEnvelope(envelope);
      await bus.publishEnvelope(envelope);
      await waitFor(() => ledger.started.length === 1 && runningFor('Ledger.record') === 2, 'both copies in flight');
      ledger.gate.open();
      await waitFor(() => runningFor('Ledger.record') === 0, 'both copies to finish');

      expect(ledger.started).toEqual([envelope.header.uuid, envelope.header.uuid]);
      expect(ledger.completed).toEqual([envelope.header.uuid]);
      expect(counters('Ledger.record')).toMatchObject({ succeeded: 1, failed: 1, deduplicated: 0 });
      // The report reaches the listener once the dead letter queue has recorded it, a moment later.
      await waitFor(() => undeliverable.length === 1, 'the failure report');
      expect(undeliverable.map((event) => event.reason)).toEqual(['handler-failed']);
    });
  });
});
