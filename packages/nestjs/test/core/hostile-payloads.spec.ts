import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsString, MaxLength, ValidateNested } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  MessageBusOptions,
  MessageDeclarationError,
  MessageHeader,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { settled } from './wait-for';

class Author {
  @IsString() @MaxLength(20) name!: string;
}

@Message()
class Announcement {
  @IsString() @MaxLength(280) text!: string;
  @IsIn(['info', 'warning']) severity!: string;
  @ValidateNested() @Type(() => Author) author!: Author;
}

const LONG = 'x'.repeat(400);
const author = { name: 'ops' };

function headerFor(): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass: 'Announcement',
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 4242,
    from: 'intruder',
    serializer: 'json',
  };
}

/** Payload texts as anyone with write access to the broker can write them: keys JSON.parse keeps as own properties. */
const INVALID_WITH_HOSTILE_KEYS: [string, string][] = [
  ['__proto__ at the top', `{"__proto__":{},"text":"${LONG}","severity":"root","author":{"name":"ops"}}`],
  ['constructor at the top', `{"constructor":{},"text":"${LONG}","severity":"root","author":{"name":"ops"}}`],
  ['constructor as a string', `{"constructor":"Object","text":"${LONG}","severity":"root","author":{"name":"ops"}}`],
  ['prototype at the top', `{"prototype":{},"text":"${LONG}","severity":"root","author":{"name":"ops"}}`],
  ['__proto__ in a nested object', `{"text":"hi","severity":"info","author":{"__proto__":{},"name":"${LONG}"}}`],
  ['constructor in a nested object', `{"text":"hi","severity":"info","author":{"constructor":{},"name":"${LONG}"}}`],
];

const VALID_WITH_HOSTILE_KEYS: [string, string][] = [
  [
    '__proto__ carrying a property',
    `{"__proto__":{"isAdmin":true},"text":"hi","severity":"info","author":{"name":"ops"}}`,
  ],
  ['constructor', `{"constructor":{"name":"Admin"},"text":"hi","severity":"info","author":{"name":"ops"}}`],
  [
    '__proto__ in a nested object',
    `{"text":"hi","severity":"info","author":{"__proto__":{"isAdmin":true},"name":"ops"}}`,
  ],
];

describe('hostile payloads on receipt (memory transport)', () => {
  let bus: MessageBus | undefined;
  let received: Announcement[];
  let undeliverable: UndeliverableMessage[];

  async function start(options: Partial<MessageBusOptions> = {}): Promise<MessageBus> {
    received = [];
    undeliverable = [];
    bus = new MessageBus({
      entity: 'board',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
      ...options,
    });
    await bus.subscribe(Announcement, (message) => void received.push(message));
    await bus.start();
    return bus;
  }

  async function receive(started: MessageBus, ...payloads: string[]): Promise<void> {
    for (const payload of payloads) await started.transport('memory').publish({ header: headerFor(), payload });
    await settled(started, 'Announcement', payloads.length);
  }

  afterEach(async () => {
    await bus?.shutdown();
    bus = undefined;
  });

  it.each(INVALID_WITH_HOSTILE_KEYS)('validates a payload with %s and refuses it', async (_case, payload) => {
    const started = await start();
    await receive(started, payload);

    expect(received).toEqual([]);
    expect(undeliverable.map((event) => [event.reason, event.error.code])).toEqual([
      ['invalid', 'SM_VALIDATION_FAILED'],
    ]);
  });

  it.each(VALID_WITH_HOSTILE_KEYS)(
    'hands a payload with %s to the handler as a true instance, without the key',
    async (_case, payload) => {
      const started = await start();
      await receive(started, payload);

      expect(received).toHaveLength(1);
      const message = received[0]!;
      expect(Object.getPrototypeOf(message)).toBe(Announcement.prototype);
      expect(message.constructor).toBe(Announcement);
      expect(Object.keys(message).sort()).toEqual(['author', 'severity', 'text']);
      expect(Object.getPrototypeOf(message.author)).toBe(Author.prototype);
      expect((message as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
      expect((message.author as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(message, 'constructor')).toBe(false);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    },
  );

  it.each([
    ['keep', { unknownProperties: 'keep' as const }],
    ['strip', { unknownProperties: 'strip' as const }],
    ['refuse', { unknownProperties: 'refuse' as const }],
    ['no validation on receipt', { validateOnReceive: false }],
  ])('never lets a payload key set the prototype, with %s', async (_case, options) => {
    const started = await start(options);
    await receive(started, '{"__proto__":{"isAdmin":true},"text":"hi","severity":"info","author":{"name":"ops"}}');

    for (const message of received) {
      expect(Object.getPrototypeOf(message)).toBe(Announcement.prototype);
      expect((message as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
    }
    expect(received.length + undeliverable.length).toBe(1);
  });

  describe('properties the class does not declare', () => {
    const payload = JSON.stringify({
      text: 'hi',
      severity: 'info',
      author: { name: 'ops', role: 'root' },
      isAdmin: true,
    });

    it('strips them by default, in nested objects too', async () => {
      const started = await start();
      await receive(started, payload);

      expect(received).toHaveLength(1);
      expect(received[0]).toEqual(
        Object.assign(new Announcement(), {
          text: 'hi',
          severity: 'info',
          author: Object.assign(new Author(), author),
        }),
      );
      expect('isAdmin' in received[0]!).toBe(false);
      expect('role' in received[0]!.author).toBe(false);
    });

    it('refuses the message with unknownProperties: refuse, naming each property', async () => {
      const started = await start({ unknownProperties: 'refuse' });
      await receive(started, payload, JSON.stringify({ text: 'ok', severity: 'info', author }));

      expect(received.map((message) => message.text)).toEqual(['ok']);
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]).toMatchObject({ reason: 'invalid', error: { code: 'SM_VALIDATION_FAILED' } });
      expect(undeliverable[0]!.error.message).toContain('property isAdmin should not exist');
      expect(undeliverable[0]!.error.message).toContain('property author.role should not exist');
    });

    it('hands them on with unknownProperties: keep', async () => {
      const started = await start({ unknownProperties: 'keep' });
      await receive(started, payload);

      expect(received).toHaveLength(1);
      expect((received[0] as unknown as Record<string, unknown>).isAdmin).toBe(true);
    });

    it('refuses an unknown policy name when the bus is built', () => {
      expect(
        () =>
          new MessageBus({ unknownProperties: 'drop' as unknown as 'strip', transports: { m: new MemoryTransport() } }),
      ).toThrow(/unknownProperties must be one of strip, refuse, keep/);
    });
  });
});

describe('declarations a JSON payload can never satisfy', () => {
  it('refuses @IsDate() without @Type(() => Date) when the class is registered, naming the property and the fix', () => {
    let error: unknown;
    try {
      @Message()
      class Scheduled {
        @IsDate() at!: Date;
      }
      void Scheduled;
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MessageDeclarationError);
    expect(error).toMatchObject({ code: 'SM_MESSAGE_DECLARATION', className: 'Scheduled', property: 'at' });
    expect((error as Error).message).toContain('Scheduled.at');
    expect((error as Error).message).toContain('@Type(() => Date)');
  });

  it('refuses @ValidateNested() without @Type, naming the nested class', () => {
    expect(() => {
      @Message()
      class Wrapped {
        @ValidateNested() author!: Author;
      }
      void Wrapped;
    }).toThrow(/Wrapped\.author .*@Type\(\(\) => Author\)/);
  });

  it('accepts both with @Type, and @IsDate() under a serializer that is not JSON', async () => {
    @Message()
    class Scheduled {
      @IsDate() @Type(() => Date) at!: Date;
      @IsInt() count = 1;
    }
    @Message({ serializer: 'structured' })
    class Cloned {
      @IsDate() at!: Date;
    }
    void Cloned;

    const bus = new MessageBus({ entity: 'planner', transports: { memory: new MemoryTransport() } });
    const received: Scheduled[] = [];
    await bus.subscribe(Scheduled, (message) => void received.push(message));
    await bus.start();
    await bus.publish(Object.assign(new Scheduled(), { at: new Date('2026-01-02T03:04:05Z') }));
    await settled(bus, 'Scheduled', 1);
    await bus.shutdown();

    expect(received[0]!.at).toEqual(new Date('2026-01-02T03:04:05Z'));
  });
});
