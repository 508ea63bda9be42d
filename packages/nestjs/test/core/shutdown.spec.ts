import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import {
  BusClosedError,
  MemoryTransport,
  Message,
  MessageBus,
  ShutdownReport,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { gate, waitFor } from './wait-for';

@Message()
class ReportRequested {
  @IsInt() reportNumber = 1;
}

@Message()
class StockQuery {
  @IsString() sku = 'SKU-1';
}

@Message()
class StockLevel {
  @IsInt() units = 0;
}

const report = (reportNumber: number): ReportRequested => Object.assign(new ReportRequested(), { reportNumber });

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('graceful shutdown', () => {
  let transport: MemoryTransport;
  let bus: MessageBus;
  let undeliverable: UndeliverableMessage[];

  beforeEach(() => {
    undeliverable = [];
    transport = new MemoryTransport({ retain: 10 });
    bus = new MessageBus({
      entity: 'reports',
      transports: { memory: transport },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  it('waits for in-flight handlers before it resolves, and reports drained', async () => {
    const release = gate();
    const started: number[] = [];
    const finished: number[] = [];
    await bus.subscribe(ReportRequested, async (message) => {
      started.push(message.reportNumber);
      await release.opened;
      finished.push(message.reportNumber);
    });
    await bus.start();
    await bus.publish(report(1));
    await waitFor(() => started.length === 1, 'the handler to start');

    let shutdownReport: ShutdownReport | undefined;
    const shuttingDown = bus.shutdown(2000).then((result) => (shutdownReport = result));
    await yieldToEventLoop();
    await yieldToEventLoop();
    expect(shutdownReport).toBeUndefined();

    release.open();
    await shuttingDown;

    expect(shutdownReport).toEqual({ drained: true, unfinished: [] });
    expect(finished).toEqual([1]);
    expect(undeliverable).toEqual([]);
  });

  it('takes no new messages for its handlers once shutdown began, while publishing still works', async () => {
    const release = gate();
    const started: number[] = [];
    await bus.subscribe(ReportRequested, async (message) => {
      started.push(message.reportNumber);
      await release.opened;
    });
    await bus.start();
    await bus.publish(report(1));
    await waitFor(() => started.length === 1, 'the handler to start');

    const shuttingDown = bus.shutdown(2000);
    await yieldToEventLoop();
    await bus.publish(report(2));
    release.open();

    await expect(shuttingDown).resolves.toEqual({ drained: true, unfinished: [] });
    expect(started).toEqual([1]);
    expect(transport.published().map((envelope) => envelope.header.messageClass)).toEqual([
      'ReportRequested',
      'ReportRequested',
    ]);
  });

  it('gives up after the timeout and reports the unfinished handler call and its message', async () => {
    let handlerId = '';
    await bus.subscribe(ReportRequested, (_message, context) => {
      handlerId = context.handlerId;
      return new Promise<never>(() => undefined);
    });
    await bus.start();
    const header = await bus.publish(report(1));
    await waitFor(() => handlerId !== '', 'the handler to start');

    const result = await bus.shutdown(20);

    expect(result).toEqual({
      drained: false,
      unfinished: [{ handlerId, uuid: header.uuid, messageClass: 'ReportRequested', state: 'running' }],
    });
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'shutdown',
        handlerId,
        transport: 'memory',
        envelope: expect.objectContaining({ header }),
      }),
    ]);
  });

  it('rejects publishing after shutdown with BusClosedError and sends nothing', async () => {
    await bus.start();
    await bus.shutdown();

    const publishing = bus.publish(report(1));

    await expect(publishing).rejects.toBeInstanceOf(BusClosedError);
    await expect(publishing).rejects.toMatchObject({ code: 'SM_BUS_CLOSED' });
    expect(transport.published()).toEqual([]);
  });

  it('rejects a request still waiting for its reply with BusClosedError', async () => {
    await bus.start();
    const requesting = bus.request(new StockQuery(), { replyType: StockLevel, timeoutMs: 5000 });
    const outcome = requesting.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await waitFor(() => transport.published().length === 1, 'the request to be sent');

    await bus.shutdown();

    const error = await outcome;
    expect(error).toBeInstanceOf(BusClosedError);
    expect(error).toMatchObject({ code: 'SM_BUS_CLOSED' });
  });
});
