import 'reflect-metadata';
import { IsInt } from 'class-validator';
import pino from 'pino';
import { MemoryTransport, Message, MessageBus, NonRetryableError } from '@smart-message/nestjs';
import { PinoMessageLogger } from '@smart-message/pino';
import { waitFor } from '@smart-message/testing';
import { CapturedLog, LEVEL, LogRecord } from './support/captured-log';

@Message({ from: 'warehouse', version: 2 })
class StockCounted {
  @IsInt() units = 0;
}

const counted = (units: number): StockCounted => Object.assign(new StockCounted(), { units });

/** The fields every line about a message carries. */
const MESSAGE_FIELDS = ['uuid', 'messageClass', 'version', 'from', 'to', 'correlationId'] as const;

describe('PinoMessageLogger: the bus lifecycle as structured pino lines', () => {
  let log: CapturedLog;
  /** The bus of the running test, shut down after it. */
  let running: MessageBus | undefined;

  const boot = (level: pino.LevelWithSilent): MessageBus => {
    log = new CapturedLog();
    running = new MessageBus({
      entity: 'inventory',
      transports: { memory: new MemoryTransport() },
      logger: new PinoMessageLogger(pino({ level }, log)),
    });
    return running;
  };

  const lineFor = (pattern: RegExp): LogRecord => {
    const [record] = log.withMessage(pattern);
    if (!record) throw new Error(`no line matches ${pattern}; lines:\n${log.lines().join('\n')}`);
    return record;
  };

  afterEach(async () => {
    await running?.shutdown();
    running = undefined;
  });

  it('logs publish, receive, handler start and end at debug, each with the header fields', async () => {
    const bus = boot('debug');
    const handled: number[] = [];
    await bus.subscribe(StockCounted, (message) => void handled.push(message.units), { to: 'inventory' });
    await bus.start();

    const header = await bus.publish(counted(7), { to: 'inventory' });
    await waitFor(() => log.withMessage(/ finished$/).length === 1, 'the handler to finish');

    const expected = {
      uuid: header.uuid,
      messageClass: 'StockCounted',
      version: 2,
      from: 'warehouse',
      to: 'inventory',
      // A message that starts a conversation is its own correlation id.
      correlationId: header.uuid,
      context: 'SmartMessage',
    };
    const published = lineFor(/^Published StockCounted$/);
    const received = lineFor(/^Received StockCounted$/);
    const started = lineFor(/ started$/);
    const finished = lineFor(/ finished$/);
    for (const line of [published, received, started, finished]) {
      expect(line).toMatchObject({ level: LEVEL.debug, ...expected });
      for (const field of MESSAGE_FIELDS) expect(line[field]).toBeDefined();
    }
    expect(published).toMatchObject({ transport: 'memory' });
    expect(received).toMatchObject({ transport: 'memory', attempt: 1 });
    expect(started).toMatchObject({ handler: expect.stringMatching(/^StockCounted\.subscriber_/), attempt: 1 });
    expect(finished).toMatchObject({ handler: started.handler, attempt: 1, durationMs: expect.any(Number) });
    expect(handled).toEqual([7]);
  });

  it('logs a filter decision at debug with the handler and its filter', async () => {
    const bus = boot('debug');
    await bus.subscribe(StockCounted, () => undefined, { to: 'accounting' });
    await bus.start();

    const header = await bus.publish(counted(1), { to: 'inventory' });
    await waitFor(() => log.withMessage(/^Filtered out/).length === 1, 'the filter decision');

    expect(lineFor(/^Filtered out/)).toMatchObject({
      level: LEVEL.debug,
      uuid: header.uuid,
      messageClass: 'StockCounted',
      to: 'inventory',
      handler: expect.stringMatching(/^StockCounted\.subscriber_/),
      filter: expect.stringContaining('accounting'),
    });
  });

  it('logs a handler failure at error with the error, the handler and the attempt', async () => {
    const bus = boot('debug');
    await bus.subscribe(StockCounted, () => {
      throw new NonRetryableError('shelf missing');
    });
    await bus.start();

    const header = await bus.publish(counted(3), { correlationId: 'audit-2026' });
    await waitFor(() => log.records().some((record) => record.level === LEVEL.error), 'the failure line');

    const [failure] = log.records().filter((record) => record.level === LEVEL.error);
    expect(failure).toMatchObject({
      uuid: header.uuid,
      messageClass: 'StockCounted',
      version: 2,
      from: 'warehouse',
      correlationId: 'audit-2026',
      handler: expect.stringMatching(/^StockCounted\.subscriber_/),
      attempt: 1,
      reason: 'handler-failed',
      error: 'shelf missing',
      stack: expect.stringContaining('shelf missing'),
    });
    expect(failure!.msg).toMatch(/failed on StockCounted/);
  });

  it('writes the routing table at info and no per-message line when the level is info', async () => {
    const bus = boot('info');
    const handled: number[] = [];
    await bus.subscribe(StockCounted, (message) => void handled.push(message.units));
    await bus.start();

    await bus.publish(counted(5));
    await waitFor(() => handled.length === 1, 'the handler to run');
    await bus.shutdown();

    const levels = log.records().map((record) => record.level);
    expect(levels).toEqual([LEVEL.info]);
    expect(lineFor(/^Routing table/)).toMatchObject({
      routes: [expect.objectContaining({ messageClass: 'StockCounted', version: 2 })],
    });
  });

  it('serializes Error fields with pino’s error serializer instead of writing {}', () => {
    const log = new CapturedLog();
    const logger = new PinoMessageLogger(pino({ level: 'info' }, log), { context: false });

    logger.warn('Breaker opened', { handler: 'Stock.count', error: new TypeError('socket closed') });

    const [line] = log.records();
    expect(line).toMatchObject({
      level: LEVEL.warn,
      msg: 'Breaker opened',
      handler: 'Stock.count',
      error: { type: 'TypeError', message: 'socket closed', stack: expect.stringContaining('socket closed') },
    });
    expect(line).not.toHaveProperty('context');
  });

  it('tells the library whether debug lines would be written', () => {
    const sink = new CapturedLog();
    expect(new PinoMessageLogger(pino({ level: 'debug' }, sink)).isDebugEnabled()).toBe(true);
    expect(new PinoMessageLogger(pino({ level: 'info' }, sink)).isDebugEnabled()).toBe(false);
    expect(new PinoMessageLogger(pino({ level: 'silent' }, sink)).isDebugEnabled()).toBe(false);
  });
});
