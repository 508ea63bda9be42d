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

  it('gives up after the timeout and lists a running call without dead-lettering it, as it may still end', async () => {
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
    expect(undeliverable).toEqual([]);
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

describe('a shutdown that runs out of time', () => {
  it('never starts a handler call it reported as given up, nor any call after it resolved', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const bus = new MessageBus({
      entity: 'reports',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    const release = gate();
    const slowStarted: number[] = [];
    const fastHandled: number[] = [];
    await bus.subscribe(
      ReportRequested,
      async (message) => {
        slowStarted.push(message.reportNumber);
        await release.opened;
      },
      { concurrency: 1 },
    );
    await bus.subscribe(ReportRequested, (message) => void fastHandled.push(message.reportNumber));
    await bus.start();
    for (const reportNumber of [1, 2, 3]) await bus.publish(report(reportNumber));
    await waitFor(() => slowStarted.length === 1 && fastHandled.length === 3, 'the first calls to run');

    const result = await bus.shutdown(20);
    release.open();
    for (let turn = 0; turn < 5; turn++) await yieldToEventLoop();

    expect(slowStarted).toEqual([1]);
    expect(result.drained).toBe(false);
    expect(result.unfinished.map(({ state }) => state).sort()).toEqual(['queued', 'queued', 'running']);
    // Reported: the two calls that never started, and nothing else.
    expect(
      undeliverable.map(({ reason, envelope, error }) => ({
        reason,
        reportNumber: (JSON.parse(String(envelope?.payload)) as { reportNumber: number }).reportNumber,
        message: error.message,
      })),
    ).toEqual([
      expect.objectContaining({ reason: 'shutdown', reportNumber: 2 }),
      expect.objectContaining({ reason: 'shutdown', reportNumber: 3 }),
    ]);
    expect(undeliverable.map(({ error }) => error.code)).toEqual(['SM_SHUTDOWN_ABANDONED', 'SM_SHUTDOWN_ABANDONED']);
  });
});
