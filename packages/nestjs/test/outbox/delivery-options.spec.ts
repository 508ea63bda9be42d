import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  Envelope,
  InvalidOptionError,
  MemoryTransport,
  Message,
  MessageBus,
  OutboxRelayTarget,
  TransactionalOutbox,
  Transport,
  TransportCapabilities,
  TransportPublishOptions,
  UnsupportedPublishOptionError,
} from '@smart-message/nestjs';

@Message({ name: 'ShipmentBooked', from: 'tests' })
class ShipmentBooked {
  @IsString() id!: string;
}

const booked = (id: string) => Object.assign(new ShipmentBooked(), { id });

@Message({ name: 'ShipmentRouted', from: 'tests', orderingKey: (m: ShipmentRouted) => m.shipment })
class ShipmentRouted {
  @IsString() shipment!: string;
}

const routed = (shipment: string) => Object.assign(new ShipmentRouted(), { shipment });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The memory transport declaring some delivery options, recording what each publish was given. */
class OptionsRecordingTransport extends MemoryTransport implements Transport {
  readonly calls: { uuid: string; options?: TransportPublishOptions }[] = [];
  constructor(readonly supports: TransportCapabilities) {
    super();
  }
  override publish(envelope: Envelope, options?: TransportPublishOptions): Promise<void> {
    this.calls.push({ uuid: envelope.header.uuid, options });
    return super.publish(envelope);
  }
}

/** An outbox that keeps what it is given, and relays it when told to. */
class ListOutbox implements TransactionalOutbox {
  readonly supports: TransportCapabilities = { notBefore: true };
  readonly stored: {
    envelope: Envelope;
    transportName: string;
    transaction: object;
    options: TransportPublishOptions;
  }[] = [];
  target?: OutboxRelayTarget;
  closed = false;
  async store(envelope: Envelope, transportName: string, transaction: object, options: TransportPublishOptions) {
    if (!('open' in transaction)) throw new Error('not a transaction');
    this.stored.push({ envelope, transportName, transaction, options });
  }
  async start(target: OutboxRelayTarget) {
    this.target = target;
  }
  async close() {
    this.closed = true;
  }
  async relay() {
    for (const { envelope, transportName } of this.stored.splice(0))
      await this.target!.publishEnvelope(envelope, transportName);
  }
}

describe('publish with delivery options', () => {
  let bus: MessageBus | undefined;
  afterEach(async () => {
    await bus?.shutdown(1000);
    bus = undefined;
  });

  it('refuses options the transport does not declare, naming the transport and the fix, and sends nothing', async () => {
    const memory = new OptionsRecordingTransport({});
    const received: string[] = [];
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory } });
    await bus.subscribe(ShipmentBooked, (m) => void received.push(m.id));
    await bus.start();
    for (const options of [
      { delayMs: 500 },
      { notBefore: new Date(Date.now() + 1000) },
      { priority: 3 },
      { orderingKey: 'order-1' },
    ]) {
      const refused = bus.publish(booked('x'), options);
      await expect(refused).rejects.toBeInstanceOf(UnsupportedPublishOptionError);
      await expect(refused).rejects.toMatchObject({ code: 'SM_PUBLISH_OPTION_UNSUPPORTED', transportName: 'memory' });
    }
    await expect(bus.publish(booked('x'), { transaction: { open: true } })).rejects.toThrow(
      /Cannot publish ShipmentBooked with `transaction`: transport "memory" \(memory\).*configure a transactional outbox/,
    );
    expect(memory.calls).toEqual([]);
    expect(received).toEqual([]);
  });

  it('passes a transport the options it declares, a delay as an absolute time, and publishes without them untouched', async () => {
    const memory = new OptionsRecordingTransport({
      notBefore: true,
      priority: true,
      orderingKey: true,
      transaction: true,
    });
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory } });
    await bus.start();
    const before = Date.now();
    const transaction = { open: true };
    await bus.publish(booked('a'), { delayMs: 60_000, priority: 7, orderingKey: 'order-1', transaction });
    await bus.publish(booked('b'));
    expect(memory.calls).toHaveLength(2);
    const [{ options }, plain] = memory.calls;
    expect(options).toMatchObject({ priority: 7, orderingKey: 'order-1' });
    expect(options!.transaction).toBe(transaction);
    expect(options!.notBefore!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(plain.options).toBeUndefined();
  });

  it('takes the class’s orderingKey where the publish gives none, and the publish’s where it does', async () => {
    const memory = new OptionsRecordingTransport({ orderingKey: true });
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory } });
    await bus.start();
    await bus.publish(routed('s-1'));
    await bus.publish(routed('s-1'), { orderingKey: 'override' });
    await bus.publishAll([routed('s-2'), routed('s-3')]);
    expect(memory.calls.map((call) => call.options?.orderingKey)).toEqual(['s-1', 'override', 's-2', 's-3']);
  });

  it('refuses a class’s orderingKey on a transport that does not order, and one that is not a valid key', async () => {
    bus = new MessageBus({
      entity: 'tests',
      logger: silent,
      transports: { memory: new OptionsRecordingTransport({}) },
    });
    await bus.start();
    await expect(bus.publish(routed('s-1'))).rejects.toMatchObject({
      code: 'SM_PUBLISH_OPTION_UNSUPPORTED',
      option: 'orderingKey',
    });
    await bus.shutdown(1000);
    bus = new MessageBus({
      entity: 'tests',
      logger: silent,
      transports: { memory: new OptionsRecordingTransport({ orderingKey: true }) },
    });
    await bus.start();
    await expect(bus.publish(routed(''))).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it.each([
    ['delayMs', { delayMs: -1 }],
    ['delayMs', { delayMs: Number.NaN }],
    ['delayMs', { delayMs: 5, notBefore: new Date() }],
    ['notBefore', { notBefore: new Date('nonsense') }],
    ['priority', { priority: 1.5 }],
    ['priority', { priority: 2 ** 31 }],
    ['orderingKey', { orderingKey: '' }],
    ['orderingKey', { orderingKey: 'k'.repeat(129) }],
    ['transaction', { transaction: 'BEGIN' as unknown as object }],
  ])('refuses a bad %s with InvalidOptionError before sending', async (option, options) => {
    const memory = new OptionsRecordingTransport({
      notBefore: true,
      priority: true,
      orderingKey: true,
      transaction: true,
    });
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory } });
    await bus.start();
    const refused = bus.publish(booked('a'), options);
    await expect(refused).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(refused).rejects.toMatchObject({ option });
    expect(memory.calls).toEqual([]);
  });

  it('hands a transaction object that is a function (a Knex trx is one) to the transport as it is', async () => {
    const memory = new OptionsRecordingTransport({ transaction: true });
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory } });
    await bus.start();
    const trx = Object.assign(() => undefined, { isTransaction: true });
    await bus.publish(booked('a'), { transaction: trx });
    expect(memory.calls[0]!.options!.transaction).toBe(trx);
  });

  it('writes a transactional publish to the outbox when the transport cannot, and its relay delivers it with the same uuid', async () => {
    const memory = new OptionsRecordingTransport({});
    const outbox = new ListOutbox();
    const received: { id: string; uuid: string }[] = [];
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory }, outbox });
    await bus.subscribe(ShipmentBooked, (m, context) => void received.push({ id: m.id, uuid: context.header.uuid }));
    await bus.start();
    expect(outbox.target).toBeDefined();
    const transaction = { open: true };
    const header = await bus.publish(booked('t1'), { transaction, delayMs: 10 });
    expect(memory.calls).toEqual([]);
    expect(outbox.stored).toHaveLength(1);
    expect(outbox.stored[0]).toMatchObject({ transportName: 'memory', transaction });
    expect(outbox.stored[0].options.notBefore).toBeInstanceOf(Date);
    await outbox.relay();
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([{ id: 't1', uuid: header.uuid }]);
    await bus.shutdown(1000);
    bus = undefined;
    expect(outbox.closed).toBe(true);
  });

  it('refuses through the outbox an option the outbox does not hold, and rejects with the outbox’s own refusal', async () => {
    const outbox = new ListOutbox();
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory: new MemoryTransport() }, outbox });
    await bus.start();
    await expect(bus.publish(booked('a'), { transaction: { open: true }, orderingKey: 'k' })).rejects.toMatchObject({
      code: 'SM_PUBLISH_OPTION_UNSUPPORTED',
      option: 'orderingKey',
      transportKind: 'memory, through the outbox',
    });
    await expect(bus.publish(booked('a'), { transaction: { closed: true } })).rejects.toThrow('not a transaction');
    expect(outbox.stored).toEqual([]);
  });
});
