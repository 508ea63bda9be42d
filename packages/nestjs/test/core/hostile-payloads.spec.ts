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

/** Flat: built by copying properties, the path the `Object.assign` bypass was on. */
@Message()
class Announcement {
  @IsString() @MaxLength(280) text!: string;
  @IsIn(['info', 'warning']) severity!: string;
}

/** Nested: built by class-transformer. */
@Message()
class SignedAnnouncement {
  @IsString() @MaxLength(280) text!: string;
  @IsIn(['info', 'warning']) severity!: string;
  @ValidateNested() @Type(() => Author) author!: Author;
}

const LONG = 'x'.repeat(400);
const author = { name: 'ops' };

function headerFor(messageClass: string): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 4242,
    from: 'intruder',
    serializer: 'json',
  };
}

type Case = [string, 'Announcement' | 'SignedAnnouncement', string];

/** Payload texts as anyone with write access to the broker can write them: keys JSON.parse keeps as own properties. */
const INVALID_WITH_HOSTILE_KEYS: Case[] = [
  ['__proto__', 'Announcement', `{"__proto__":{},"text":"${LONG}","severity":"root"}`],
  ['__proto__ holding valid values', 'Announcement', `{"__proto__":{"text":"hi","severity":"info"},"text":"${LONG}"}`],
  ['constructor', 'Announcement', `{"constructor":{},"text":"${LONG}","severity":"root"}`],
  ['constructor as a string', 'Announcement', `{"constructor":"Object","text":"${LONG}","severity":"root"}`],
  ['prototype', 'Announcement', `{"prototype":{},"text":"${LONG}","severity":"root"}`],
  ['__proto__ on a nested class', 'SignedAnnouncement', `{"__proto__":{},"text":"${LONG}","author":{"name":"ops"}}`],
  [
    'constructor on a nested class',
    'SignedAnnouncement',
    `{"constructor":{},"text":"${LONG}","author":{"name":"ops"}}`,
  ],
  [
    '__proto__ in a nested object',
    'SignedAnnouncement',
    `{"text":"hi","severity":"info","author":{"__proto__":{},"name":"${LONG}"}}`,
  ],
  [
    'constructor in a nested object',
    'SignedAnnouncement',
    `{"text":"hi","severity":"info","author":{"constructor":{},"name":"${LONG}"}}`,
  ],
];

const VALID_WITH_HOSTILE_KEYS: Case[] = [
  ['__proto__ carrying a property', 'Announcement', '{"__proto__":{"isAdmin":true},"text":"hi","severity":"info"}'],
  ['constructor', 'Announcement', '{"constructor":{"name":"Admin"},"text":"hi","severity":"info"}'],
  [
    '__proto__ on a nested class',
    'SignedAnnouncement',
    '{"__proto__":{"isAdmin":true},"text":"hi","severity":"info","author":{"name":"ops"}}',
  ],
  [
    '__proto__ in a nested object',
    'SignedAnnouncement',
    '{"text":"hi","severity":"info","author":{"__proto__":{"isAdmin":true},"name":"ops"}}',
  ],
];

const TYPES = { Announcement, SignedAnnouncement };

describe('hostile payloads on receipt (memory transport)', () => {
  let bus: MessageBus | undefined;
  let received: object[];
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
    for (const type of Object.values(TYPES)) await bus.subscribe(type, (message) => void received.push(message));
    await bus.start();
    return bus;
  }

  async function receive(started: MessageBus, messageClass: keyof typeof TYPES, ...payloads: string[]): Promise<void> {
    for (const payload of payloads) {
      await started.transport('memory').publish({ header: headerFor(messageClass), payload });
    }
    await settled(started, messageClass, payloads.length);
  }

  afterEach(async () => {
    await bus?.shutdown();
    bus = undefined;
  });

  it.each(INVALID_WITH_HOSTILE_KEYS)(
    'validates a payload with %s (%s) and refuses it',
    async (_case, type, payload) => {
      const started = await start();
      await receive(started, type, payload);

      expect(received).toEqual([]);
      expect(undeliverable.map((event) => [event.reason, event.error.code])).toEqual([
        ['invalid', 'SM_VALIDATION_FAILED'],
      ]);
    },
  );

  it.each(VALID_WITH_HOSTILE_KEYS)(
    'hands a payload with %s (%s) to the handler as a true instance, without the key',
    async (_case, type, payload) => {
      const started = await start();
      await receive(started, type, payload);

      expect(undeliverable).toEqual([]);
      expect(received).toHaveLength(1);
      const message = received[0] as Record<string, unknown>;
      expect(Object.getPrototypeOf(message)).toBe(TYPES[type].prototype);
      expect(message.constructor).toBe(TYPES[type]);
      expect(Object.prototype.hasOwnProperty.call(message, 'constructor')).toBe(false);
      expect(message.isAdmin).toBeUndefined();
      if (type === 'SignedAnnouncement') {
        expect(Object.getPrototypeOf(message.author)).toBe(Author.prototype);
        expect((message.author as Record<string, unknown>).isAdmin).toBeUndefined();
      }
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
    await receive(
      started,
      'Announcement',
      '{"__proto__":{"isAdmin":true},"constructor":"x","text":"hi","severity":"info"}',
    );

    for (const message of received) {
      expect(Object.getPrototypeOf(message)).toBe(Announcement.prototype);
      expect(message.constructor).toBe(Announcement);
      expect((message as Record<string, unknown>).isAdmin).toBeUndefined();
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
      await receive(started, 'SignedAnnouncement', payload);

      expect(received).toHaveLength(1);
      expect(received[0]).toEqual(
        Object.assign(new SignedAnnouncement(), {
          text: 'hi',
          severity: 'info',
          author: Object.assign(new Author(), author),
        }),
      );
      expect('isAdmin' in received[0]!).toBe(false);
      expect('role' in (received[0] as SignedAnnouncement).author).toBe(false);
    });

    it('strips them from a flat class', async () => {
      const started = await start();
      await receive(started, 'Announcement', '{"text":"hi","severity":"info","isAdmin":true}');

      expect(received).toEqual([Object.assign(new Announcement(), { text: 'hi', severity: 'info' })]);
      expect('isAdmin' in received[0]!).toBe(false);
    });

    it('refuses the message with unknownProperties: refuse, naming each property', async () => {
      const started = await start({ unknownProperties: 'refuse' });
      await receive(started, 'SignedAnnouncement', payload, JSON.stringify({ text: 'ok', severity: 'info', author }));

      expect(received.map((message) => (message as SignedAnnouncement).text)).toEqual(['ok']);
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]).toMatchObject({ reason: 'invalid', error: { code: 'SM_VALIDATION_FAILED' } });
      expect(undeliverable[0]!.error.message).toContain('property isAdmin should not exist');
      expect(undeliverable[0]!.error.message).toContain('property author.role should not exist');
    });

    it('hands them on with unknownProperties: keep', async () => {
      const started = await start({ unknownProperties: 'keep' });
      await receive(started, 'SignedAnnouncement', payload);

      expect(received).toHaveLength(1);
      expect((received[0] as Record<string, unknown>).isAdmin).toBe(true);
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

  it('refuses @IsDate() without @Type in a nested class, naming the path to it', () => {
    class Window {
      @IsDate() opensAt!: Date;
    }
    expect(() => {
      @Message()
      class Sale {
        @ValidateNested() @Type(() => Window) window!: Window;
      }
      void Sale;
    }).toThrow(
      expect.objectContaining({ code: 'SM_MESSAGE_DECLARATION', className: 'Sale', property: 'window.opensAt' }),
    );
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
