import 'reflect-metadata';
import { IsInt, Min } from 'class-validator';
import {
  Envelope,
  MemoryTransport,
  Message,
  MessageBus,
  MessageObserver,
  MessageValidationError,
  Transport,
  TransportCapabilities,
  TransportPublishOptions,
  UnsupportedPublishOptionError,
} from '@smart-message/nestjs';
import { waitFor } from './wait-for';

@Message({ name: 'PublishAllLine', from: 'tests' })
class Line {
  @IsInt() @Min(0) n!: number;
}

@Message({ name: 'PublishAllAudit', from: 'tests', transport: 'audit' })
class Audit {
  @IsInt() n!: number;
}

const line = (n: number) => Object.assign(new Line(), { n });
const audit = (n: number) => Object.assign(new Audit(), { n });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The memory transport with a `publishBatch`, recording each call. */
class BatchingTransport extends MemoryTransport implements Transport {
  readonly batches: { classes: string[]; options?: TransportPublishOptions }[] = [];
  readonly singles: string[] = [];
  constructor(readonly supports: TransportCapabilities = {}) {
    super();
  }
  override publish(envelope: Envelope): Promise<void> {
    this.singles.push(envelope.header.messageClass);
    return super.publish(envelope);
  }
  async publishBatch(envelopes: readonly Envelope[], options?: TransportPublishOptions): Promise<void> {
    this.batches.push({ classes: envelopes.map((e) => e.header.messageClass), options });
    for (const envelope of envelopes) await super.publish(envelope);
  }
}

describe('bus.publishAll', () => {
  let bus: MessageBus | undefined;
  afterEach(async () => {
    await bus?.shutdown(1000);
    bus = undefined;
  });

  it('publishes one by one, in order, on a transport without publishBatch, and resolves with the headers', async () => {
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory: new MemoryTransport() } });
    const received: number[] = [];
    await bus.subscribe(Line, (m) => void received.push(m.n), { concurrency: 1 });
    await bus.start();
    const headers = await bus.publishAll([line(1), line(2), line(3)]);
    expect(headers.map((header) => header.messageClass)).toEqual([
      'PublishAllLine',
      'PublishAllLine',
      'PublishAllLine',
    ]);
    expect(new Set(headers.map((header) => header.uuid)).size).toBe(3);
    await waitFor(() => received.length === 3, 'the three messages');
    expect(received).toEqual([1, 2, 3]);
    expect(await bus.publishAll([])).toEqual([]);
  });

  it('sends nothing when one message is invalid', async () => {
    const memory = new BatchingTransport();
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory } });
    await bus.start();
    await expect(bus.publishAll([line(1), line(-1), line(3)])).rejects.toBeInstanceOf(MessageValidationError);
    expect(memory.batches).toEqual([]);
    expect(memory.singles).toEqual([]);
  });

  it('hands a transport with publishBatch each run of messages bound for it in one call, with the options, past the observers', async () => {
    const memory = new BatchingTransport({ priority: true });
    const audits = new BatchingTransport({ priority: true });
    const seen: string[] = [];
    const observer: MessageObserver = {
      beforePublish: (envelope) => void seen.push(`before ${envelope.header.messageClass}`),
      afterPublish: (envelope, _transport, error) =>
        void seen.push(`after ${envelope.header.messageClass}${error ? ' failed' : ''}`),
    };
    bus = new MessageBus({
      entity: 'tests',
      logger: silent,
      transports: { memory, audit: audits },
      observers: [observer],
    });
    await bus.start();
    await bus.publishAll([line(1), line(2), audit(3), line(4)], { priority: 4 });
    expect(memory.batches).toEqual([{ classes: ['PublishAllLine', 'PublishAllLine'], options: { priority: 4 } }]);
    // A run of one is a plain publish.
    expect(memory.singles).toEqual(['PublishAllLine']);
    expect(audits.singles).toEqual(['PublishAllAudit']);
    expect(seen.filter((entry) => entry.startsWith('after'))).toHaveLength(4);
  });

  it('refuses an option a transport of any run does not support before sending the first', async () => {
    const memory = new BatchingTransport({ priority: true });
    const audits = new BatchingTransport({});
    bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory, audit: audits } });
    await bus.start();
    await expect(bus.publishAll([line(1), line(2), audit(3)], { priority: 1 })).rejects.toBeInstanceOf(
      UnsupportedPublishOptionError,
    );
    expect(memory.batches).toEqual([]);
    expect(memory.singles).toEqual([]);
  });
});
