import 'reflect-metadata';
import { IsInt, IsString, Min } from 'class-validator';
import {
  DeadLetterEntry,
  DeadLetterQueue,
  DeadLettersNotConnectedError,
  Envelope,
  MemoryDeadLetterStore,
  MemoryTransport,
  Message,
  MessageBus,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'StockReserved', from: 'warehouse' })
class StockReserved {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

class OutOfStockError extends Error {
  override readonly name = 'OutOfStockError';
  readonly code = 'OUT_OF_STOCK';
}

const reserved = (sku: string, quantity = 1): StockReserved => Object.assign(new StockReserved(), { sku, quantity });

describe('dead letters through the real bus', () => {
  let transport: MemoryTransport;
  let bus: MessageBus;
  let queue: DeadLetterQueue;
  let failing: boolean;

  beforeEach(async () => {
    failing = true;
    transport = new MemoryTransport({ retain: 10 });
    queue = new DeadLetterQueue(new MemoryDeadLetterStore());
    bus = new MessageBus({
      entity: 'shipping',
      transports: { memory: transport },
      onUndeliverable: (event) => queue.record(event),
    });
    queue.connect(bus);
    await bus.addHandler({
      id: 'Picker.onReserved',
      type: StockReserved,
      invoke: (message: StockReserved) => {
        if (failing) throw new OutOfStockError(`no ${message.sku} left`);
      },
    });
    await bus.start();
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  async function entries(count: number): Promise<DeadLetterEntry[]> {
    await waitFor(async () => (await queue.list()).total >= count, `${count} dead letter(s)`);
    return (await queue.list()).entries;
  }

  const published = (): Envelope => transport.published().at(-1)!;

  it('keeps a handler failure on the memory transport with the error name, message, code and stack', async () => {
    const header = await bus.publish(reserved('MUG-01'));

    const [entry] = await entries(1);
    expect(entry).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      reason: 'handler-failed',
      envelope: published(),
      handlerId: 'Picker.onReserved',
      transport: 'memory',
      attempts: 1,
      lastAttempt: 1,
      firstFailedAt: entry!.lastFailedAt,
      lastFailedAt: expect.any(String),
      error: {
        name: 'OutOfStockError',
        message: 'no MUG-01 left',
        code: 'OUT_OF_STOCK',
        stack: expect.stringContaining('OutOfStockError: no MUG-01 left'),
      },
    });
    expect(entry!.envelope!.header.uuid).toBe(header.uuid);
    expect(await queue.stats()).toMatchObject({
      total: 1,
      byReason: { 'handler-failed': 1 },
      byMessageClass: { StockReserved: 1 },
    });
  });

  it('updates the entry when the same message fails again in the same handler', async () => {
    await bus.publish(reserved('MUG-01'));
    const [first] = await entries(1);

    await bus.publishEnvelope(published());
    await waitFor(async () => (await queue.get(first!.id))?.attempts === 2, 'the second failure');

    const again = await queue.get(first!.id);
    expect(again).toMatchObject({ attempts: 2, firstFailedAt: first!.firstFailedAt, envelope: first!.envelope });
    expect(Date.parse(again!.lastFailedAt)).toBeGreaterThanOrEqual(Date.parse(first!.lastFailedAt));
    expect((await queue.list()).total).toBe(1);
  });

  it('keeps one entry per handler that failed on a message', async () => {
    await bus.addHandler({
      id: 'Ledger.onReserved',
      type: StockReserved,
      invoke: () => {
        throw new Error('ledger closed');
      },
    });
    await bus.publish(reserved('MUG-01'));

    const kept = await entries(2);
    expect(kept.map((entry) => entry.handlerId).sort()).toEqual(['Ledger.onReserved', 'Picker.onReserved']);
    expect(new Set(kept.map((entry) => entry.envelope!.header.uuid)).size).toBe(1);
  });

  it('keeps a payload that fails validation on receipt, reason invalid', async () => {
    const header = await bus.publish(reserved('MUG-01'));
    await entries(1);
    await queue.purge();
    const invalid: Envelope = {
      header: { ...header, uuid: '5d2b6f2e-0000-4000-8000-000000000001' },
      payload: JSON.stringify({ sku: 'MUG-01', quantity: 0 }),
    };

    await bus.publishEnvelope(invalid);

    const [entry] = await entries(1);
    expect(entry).toMatchObject({
      reason: 'invalid',
      envelope: invalid,
      handlerId: 'Picker.onReserved',
      error: { name: 'MessageValidationError', code: 'SM_VALIDATION_FAILED' },
    });
    expect(entry!.error.message).toContain('quantity');
  });

  it('keeps a message of a version newer than the handler reads, reason future-version', async () => {
    const header = await bus.publish(reserved('MUG-01'));
    await entries(1);
    await queue.purge();
    const newer: Envelope = {
      header: { ...header, uuid: '5d2b6f2e-0000-4000-8000-000000000002', version: 2 },
      payload: '{}',
    };

    await bus.publishEnvelope(newer);

    const [entry] = await entries(1);
    expect(entry).toMatchObject({
      reason: 'future-version',
      envelope: newer,
      handlerId: 'Picker.onReserved',
      error: { name: 'FutureVersionError', code: 'SM_FUTURE_VERSION' },
    });
  });

  it('keeps a payload that cannot be decoded under no handler, and replays it through the transport', async () => {
    const header = await bus.publish(reserved('MUG-01'));
    await entries(1);
    await queue.purge();
    const garbled: Envelope = {
      header: { ...header, uuid: '5d2b6f2e-0000-4000-8000-000000000003' },
      payload: '{"sku":',
    };

    await bus.publishEnvelope(garbled);

    const [entry] = await entries(1);
    expect(entry).toMatchObject({ reason: 'undecodable', envelope: garbled, error: { code: 'SM_PAYLOAD_DECODE' } });
    expect(entry!.handlerId).toBeUndefined();
    const report = await queue.replay(entry!.id);
    expect(report.outcomes).toEqual([{ id: entry!.id, via: 'transport', status: 'replayed' }]);
  });

  it('counts a failed replay itself when the bus does not feed this queue', async () => {
    const detached = new DeadLetterQueue(new MemoryDeadLetterStore(), bus);
    await bus.publish(reserved('MUG-01'));
    const [entry] = await entries(1);
    await detached.store.upsert(entry!);

    const report = await detached.replay(entry!.id);

    expect(report.outcomes).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 2,
        error: expect.objectContaining({ name: 'OutOfStockError' }),
      }),
    ]);
    expect(await detached.get(entry!.id)).toMatchObject({ attempts: 2, firstFailedAt: entry!.firstFailedAt });
  });

  it('refuses to replay before it is connected to a bus', async () => {
    const unconnected = new DeadLetterQueue(new MemoryDeadLetterStore());

    await expect(unconnected.replay({})).rejects.toMatchObject({
      name: DeadLettersNotConnectedError.name,
      code: 'SM_DEAD_LETTERS_NOT_CONNECTED',
    });
  });
});
