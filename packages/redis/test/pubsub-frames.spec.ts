import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsInt, IsString } from 'class-validator';
import {
  FrameTooLargeError,
  Message,
  MessageBus,
  PayloadSerializer,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { frameOf, TextSerializer } from './support/forged-frames';
import { uniquePrefix } from './support/redis-keys';

@Message({ name: 'FramePing', from: 'tests' })
class FramePing {
  @IsInt() seq!: number;
}

@Message({ name: 'FrameAdmin', from: 'tests' })
class FrameAdmin {
  @IsString() command!: string;
}

@Message({ name: 'FrameNote', from: 'tests', serializer: 'text' })
class FrameNote {
  @IsString() text!: string;
}

const ping = (seq: number): FramePing => Object.assign(new FramePing(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
describe('Redis pub/sub frames: one PUBLISH is one message, on its own channel, within its size', () => {
  const redis = new Redis();
  const buses: MessageBus[] = [];
  let prefix: string;
  let undeliverable: UndeliverableMessage[];

  const bus = (transport: RedisPubSubTransport, serializers: PayloadSerializer[] = []): MessageBus => {
    undeliverable = [];
    const created = new MessageBus({
      entity: 'listeners',
      transports: { pubsub: transport },
      serializers,
      logger: silent,
      onUndeliverable: (event) => undeliverable.push(event),
    });
    buses.push(created);
    return created;
  };

  beforeEach(() => {
    prefix = uniquePrefix('pubsub-frames');
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.shutdown(1000)));
  });

  afterAll(() => redis.disconnect());

  describe('batches', () => {
    it('reads 150 newline-separated junk lines in one PUBLISH as one undecodable message', async () => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
      const seen: number[] = [];
      await b.subscribe(FramePing, (m) => void seen.push(m.seq));
      await b.start();
      const junk = Array.from({ length: 150 }, (_, line) => `junk line ${line}`).join('\n');
      await redis.publish(`${prefix}FramePing`, junk);
      await b.publish(ping(1));
      await waitFor(() => seen.length === 1, 'the ping after the junk');
      await waitFor(() => undeliverable.length >= 1, 'the rejection');
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code: 'SM_FRAME_DECODE' } });
    });

    it('reads newline-joined valid frames (the old batch form) as one message, not as several', async () => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
      const seen: number[] = [];
      await b.subscribe(FramePing, (m) => void seen.push(m.seq));
      await b.start();
      const joined = [1, 2, 3].map((seq) => frameOf('FramePing', { seq })).join('\n');
      await redis.publish(`${prefix}FramePing`, joined);
      await b.publish(ping(4));
      await waitFor(() => seen.includes(4) && undeliverable.length === 1, 'the ping and one rejection');
      expect(seen).toEqual([4]);
    });

    it.each([
      [
        'a count above the limit',
        (frames: string[]): string => `SMBATCH1 1001 ${frames.map((f) => f.length).join(' ')}\n${frames.join('\n')}`,
      ],
      [
        'fewer lengths than frames declared',
        (frames: string[]): string => `SMBATCH1 3 ${frames[0]!.length}\n${frames.join('\n')}`,
      ],
      ['lengths that do not add up', (frames: string[]): string => `SMBATCH1 3 10 10 10\n${frames.join('\n')}`],
      [
        'bytes after the last frame',
        (frames: string[]): string => `SMBATCH1 3 ${frames.map((f) => f.length).join(' ')}\n${frames.join('\n')}\njunk`,
      ],
      ['a header line that never ends', (): string => `SMBATCH1 3 ${'9'.repeat(20_000)}`],
    ])('sets a batch with %s aside as one rejection, delivering nothing from it', async (_case, write) => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
      const seen: number[] = [];
      await b.subscribe(FramePing, (m) => void seen.push(m.seq));
      await b.start();
      await redis.publish(`${prefix}FramePing`, write([1, 2, 3].map((seq) => frameOf('FramePing', { seq }))));
      await b.publish(ping(4));
      await waitFor(() => seen.includes(4) && undeliverable.length >= 1, 'the ping and the rejection');
      expect(seen).toEqual([4]);
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]!.error.message).toMatch(/malformed batch/);
    });

    it('sends batches in the batch format and delivers every message in them', async () => {
      const publisher = bus(new RedisPubSubTransport({ prefix, logger: silent, batch: { maxMessages: 50 } }));
      const receiver = bus(new RedisPubSubTransport({ prefix, logger: silent }));
      const seen: number[] = [];
      await receiver.subscribe(FramePing, (m) => void seen.push(m.seq), { concurrency: 1 });
      await receiver.start();
      const raw = redis.duplicate();
      const messages: string[] = [];
      raw.on('message', (_channel: string, message: string) => messages.push(message));
      await raw.subscribe(`${prefix}FramePing`);
      try {
        await Promise.all(Array.from({ length: 120 }, (_, seq) => publisher.publish(ping(seq))));
        await waitFor(
          () => seen.length === 120,
          () => `120 pings (${seen.length})`,
        );
        expect(seen).toEqual(Array.from({ length: 120 }, (_, seq) => seq));
        await waitFor(() => messages.length === 3, 'three PUBLISH messages');
        expect(messages.map((message) => message.slice(0, 12))).toEqual([
          'SMBATCH1 50 ',
          'SMBATCH1 50 ',
          'SMBATCH1 20 ',
        ]);
        expect(undeliverable).toEqual([]);
      } finally {
        raw.disconnect();
      }
    });

    it('keeps every batch within maxFrameBytes by sending it early', async () => {
      const publisher = bus(
        new RedisPubSubTransport({ prefix, logger: silent, maxFrameBytes: 4096, batch: { maxMessages: 1000 } }),
      );
      const raw = redis.duplicate();
      const sizes: number[] = [];
      raw.on('messageBuffer', (_channel: Buffer, message: Buffer) => sizes.push(message.length));
      await raw.subscribe(`${prefix}FramePing`);
      try {
        await Promise.all(Array.from({ length: 200 }, (_, seq) => publisher.publish(ping(seq))));
        await waitFor(() => sizes.length > 1, 'several PUBLISH messages');
        expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
      } finally {
        raw.disconnect();
      }
    });

    it('refuses batch.maxMessages above what receivers accept', () => {
      expect(() => new RedisPubSubTransport({ prefix, batch: { maxMessages: 1001 } })).toThrow(
        expect.objectContaining({ code: 'SM_INVALID_OPTION', option: 'batch.maxMessages', value: 1001 }),
      );
    });
  });

  describe('misrouting', () => {
    it('sets aside a frame whose type is not its channel’s, as misrouted, and runs no handler for it', async () => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
      const pings: number[] = [];
      const commands: string[] = [];
      await b.subscribe(FramePing, (m) => void pings.push(m.seq));
      await b.subscribe(FrameAdmin, (m) => void commands.push(m.command));
      await b.start();
      await redis.publish(`${prefix}FramePing`, frameOf('FrameAdmin', { command: 'drop everything' }));
      await b.publish(ping(1));
      await waitFor(() => pings.length === 1 && undeliverable.length === 1, 'the ping and the rejection');
      expect(commands).toEqual([]);
      expect(undeliverable[0]).toMatchObject({
        reason: 'misrouted',
        envelope: { header: { messageClass: 'FrameAdmin' } },
        error: { code: 'SM_MISROUTED' },
      });
    });
  });

  describe('frame size', () => {
    it.each([0, -1, 1.5, Number.NaN])('refuses maxFrameBytes %s at construction on both transports', (value) => {
      for (const create of [
        () => new RedisPubSubTransport({ prefix, maxFrameBytes: value }),
        () => new RedisStreamsTransport({ prefix, maxFrameBytes: value }),
      ]) {
        expect(create).toThrow(expect.objectContaining({ code: 'SM_INVALID_OPTION', option: 'maxFrameBytes' }));
      }
    });

    it('refuses a publish above maxFrameBytes with FrameTooLargeError naming the limit and the option', async () => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent, maxFrameBytes: 1000 }));
      const published = b.publish(Object.assign(new FrameAdmin(), { command: 'x'.repeat(2000) }));
      await expect(published).rejects.toBeInstanceOf(FrameTooLargeError);
      await expect(published).rejects.toMatchObject({ code: 'SM_FRAME_TOO_LARGE', limit: 1000 });
      await expect(published).rejects.toThrow(/maxFrameBytes/);
    });

    it('refuses a publish above the default of 1 MiB', async () => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
      const published = b.publish(Object.assign(new FrameAdmin(), { command: 'x'.repeat(1024 * 1024) }));
      await expect(published).rejects.toMatchObject({ code: 'SM_FRAME_TOO_LARGE', limit: 1024 * 1024 });
    });

    it.each([
      ['a huge payload', (): string => frameOf('FramePing', { seq: 1, padding: 'x'.repeat(2 * 1024 * 1024) })],
      ['a deeply nested payload', (): string => `${'['.repeat(1_500_000)}${']'.repeat(1_500_000)}`],
      [
        'a payload of huge keys',
        (): string => frameOf('FramePing', Object.fromEntries([[`k${'y'.repeat(1_200_000)}`, 1]])),
      ],
    ])(
      'sets %s received above maxFrameBytes aside unparsed, with its size, and keeps delivering',
      async (_case, write) => {
        const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
        const seen: number[] = [];
        await b.subscribe(FramePing, (m) => void seen.push(m.seq));
        await b.start();
        const frame = write();
        await redis.publish(`${prefix}FramePing`, frame);
        await b.publish(ping(2));
        await waitFor(() => seen.length === 1 && undeliverable.length === 1, 'the ping and the rejection');
        expect(seen).toEqual([2]);
        expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code: 'SM_FRAME_DECODE' } });
        expect(undeliverable[0]!.error.message).toContain(`${Buffer.byteLength(frame)} bytes`);
        expect(undeliverable[0]!.error.message).toContain('maxFrameBytes');
        expect((undeliverable[0]!.frame as Uint8Array).length).toBe(1024);
      },
    );
  });

  describe('content type', () => {
    it('labels a payload with its own serializer’s content type, and it round trips', async () => {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent }), [
        new TextSerializer('text', 'text/plain; charset=utf-8'),
      ]);
      const notes: string[] = [];
      await b.subscribe(FrameNote, (m) => void notes.push(m.text));
      await b.start();
      const raw = redis.duplicate();
      const frames: string[] = [];
      raw.on('message', (_channel: string, message: string) => frames.push(message));
      await raw.subscribe(`${prefix}FrameNote`);
      try {
        await b.publish(Object.assign(new FrameNote(), { text: 'plain "text", not JSON' }));
        await waitFor(() => notes.length === 1 && frames.length === 1, 'the note and its frame');
        expect(notes).toEqual(['plain "text", not JSON']);
        const frame = JSON.parse(frames[0]!) as { datacontenttype: string; data: unknown };
        expect(frame.datacontenttype).toBe('text/plain; charset=utf-8');
        expect(frame.data).toBe('plain "text", not JSON');
        expect(undeliverable).toEqual([]);
      } finally {
        raw.disconnect();
      }
    });
  });
});
