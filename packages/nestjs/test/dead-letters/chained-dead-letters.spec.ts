import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsString } from 'class-validator';
import { DeadLetterQueue, JsonlDeadLetterStore, MemoryTransport, Message, MessageBus } from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'PackingSlip', from: 'warehouse', serializer: 'msgpack+deflate' })
class PackingSlip {
  @IsString() lines!: string;
}

const LINES = 'MUG-01 x2, bin 14; '.repeat(100); // ~1.9 KB, so deflate runs

describe('a dead letter of a compressed msgpack message', () => {
  const folder = mkdtempSync(join(tmpdir(), 'chained-dead-letters-'));
  let bus: MessageBus;
  let queue: DeadLetterQueue;
  let failing = true;
  const handled: string[] = [];

  beforeAll(async () => {
    queue = new DeadLetterQueue(new JsonlDeadLetterStore(join(folder, 'dead-letters.jsonl'), { fsync: false }));
    bus = new MessageBus({
      entity: 'packing',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => queue.record(event),
    });
    queue.connect(bus);
    await bus.addHandler({
      id: 'Packer.onSlip',
      type: PackingSlip,
      invoke: (slip: PackingSlip) => {
        if (failing) throw new Error('printer jammed');
        handled.push(slip.lines);
      },
    });
    await bus.start();
  });

  afterAll(async () => {
    await bus.shutdown();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is kept with its chain and compressed bytes, and a replay hands the handler the message whole', async () => {
    await bus.publish(Object.assign(new PackingSlip(), { lines: LINES }));
    await waitFor(async () => (await queue.list()).total === 1, 'the dead letter');
    const [entry] = (await queue.list()).entries;
    expect(entry!.envelope!.header.serializer).toBe('msgpack+deflate');
    expect(entry!.envelope!.payload).toBeInstanceOf(Uint8Array);
    expect(entry!.envelope!.payload.length).toBeLessThan(LINES.length / 5);

    failing = false;
    const report = await queue.replay(entry!.id);

    expect(report.outcomes).toEqual([expect.objectContaining({ id: entry!.id, status: 'replayed' })]);
    expect(handled).toEqual([LINES]);
  });
});
