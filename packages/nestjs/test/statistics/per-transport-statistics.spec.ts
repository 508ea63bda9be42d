import 'reflect-metadata';
import { IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus } from '@smart-message/nestjs';
import { waitFor } from '../core/wait-for';

@Message({ name: 'LedgerEntry', transport: 'durable' })
class LedgerEntry {
  @IsString() account = 'acc-1';
}

@Message({ name: 'PriceTick', transport: 'fanout' })
class PriceTick {
  @IsString() symbol = 'ACME';
}

/** Published on the durable transport, with no subscriber in this service. */
@Message({ name: 'AuditNote', transport: 'durable' })
class AuditNote {
  @IsString() note = 'checked';
}

describe('per-transport statistics', () => {
  let bus: MessageBus;

  beforeEach(() => {
    bus = new MessageBus({
      entity: 'ledger',
      transports: { durable: new MemoryTransport(), fanout: new MemoryTransport() },
    });
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  it('counts what each transport published and received, all message types together', async () => {
    await bus.subscribe(LedgerEntry, () => undefined);
    await bus.subscribe(PriceTick, () => undefined);
    await bus.subscribe(PriceTick, () => undefined);
    await bus.start();

    await bus.publish(new LedgerEntry());
    await bus.publish(new LedgerEntry());
    await bus.publish(new AuditNote());
    await bus.publish(new PriceTick());
    await waitFor(() => bus.statistics.forType('PriceTick').received === 1, 'the price tick received');
    await waitFor(() => bus.statistics.forType('LedgerEntry').received === 2, 'both ledger entries received');

    // A message is received once per process, however many of its handlers run; one nobody here
    // subscribes to is published but never comes back.
    expect(bus.statistics.snapshot().transports).toEqual({
      durable: { published: 3, received: 2 },
      fanout: { published: 1, received: 1 },
    });
    expect(bus.statistics.forTransport('fanout')).toEqual({ published: 1, received: 1 });
    expect(bus.statistics.forTransport('nowhere')).toEqual({ published: 0, received: 0 });
  });

  it('counts a republished envelope on its transport too, and forgets everything on reset', async () => {
    await bus.subscribe(LedgerEntry, () => undefined);
    await bus.start();
    const header = await bus.publish(new LedgerEntry());
    await bus.publishEnvelope({ header, payload: JSON.stringify({ account: 'acc-1' }) });
    await waitFor(() => bus.statistics.forTransport('durable').received === 2, 'the entry and its copy received');

    expect(bus.statistics.snapshot().transports).toEqual({ durable: { published: 2, received: 2 } });
    bus.statistics.reset();
    expect(bus.statistics.snapshot().transports).toEqual({});
  });
});
