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
import { RedisStreamsTransport, RedisStreamsTransportOptions } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { frameOf, TextSerializer } from '../support/forged-frames';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'StreamFrameJob', from: 'tests' })
class StreamFrameJob {
  @IsInt() seq!: number;
}

@Message({ name: 'StreamFrameAdmin', from: 'tests' })
class StreamFrameAdmin {
  @IsString() command!: string;
}

@Message({ name: 'StreamFrameNote', from: 'tests', serializer: 'stream-text' })
class StreamFrameNote {
  @IsString() text!: string;
}

const job = (seq: number): StreamFrameJob => Object.assign(new StreamFrameJob(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
describe('Redis Streams frames: on their own stream, within their size', () => {
  const prefix = uniquePrefix('streams-frames');
  const redis = new Redis();
  const buses: MessageBus[] = [];
  let testPrefix: string;
  let undeliverable: UndeliverableMessage[];

  const bus = (options: RedisStreamsTransportOptions = {}, serializers: PayloadSerializer[] = []): MessageBus => {
    undeliverable = [];
    const created = new MessageBus({
      entity: 'workers',
      logger: silent,
      serializers,
      transports: {
        streams: new RedisStreamsTransport({ prefix: testPrefix, blockMs: 100, logger: silent, ...options }),
      },
      onUndeliverable: (event) => undeliverable.push(event),
    });
    buses.push(created);
    return created;
  };
  const pendingOf = async (stream: string): Promise<number> =>
    ((await redis.xpending(stream, 'workers')) as [number])[0];

  beforeEach(() => {
    testPrefix = `${prefix}${Math.random().toString(36).slice(2, 8)}:`;
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.shutdown(1000)));
  });

  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('sets aside an entry whose type is not its stream’s as misrouted, acknowledges it, and runs no handler', async () => {
    const b = bus();
    const jobs: number[] = [];
    const commands: string[] = [];
    await b.subscribe(StreamFrameJob, (m) => void jobs.push(m.seq));
    await b.subscribe(StreamFrameAdmin, (m) => void commands.push(m.command));
    await b.start();
    await redis.xadd(`${testPrefix}StreamFrameJob`, '*', 'frame', frameOf('StreamFrameAdmin', { command: 'wipe' }));
    await b.publish(job(1));
    await waitFor(() => jobs.length === 1 && undeliverable.length === 1, 'the job and the rejection');
    expect(commands).toEqual([]);
    expect(undeliverable[0]).toMatchObject({ reason: 'misrouted', error: { code: 'SM_MISROUTED' } });
    await waitFor(async () => (await pendingOf(`${testPrefix}StreamFrameJob`)) === 0, 'both entries acknowledged');
  });

  it('refuses a publish above maxFrameBytes with FrameTooLargeError and adds nothing to the stream', async () => {
    const b = bus({ maxFrameBytes: 2000 });
    const published = b.publish(Object.assign(new StreamFrameAdmin(), { command: 'x'.repeat(3000) }));
    await expect(published).rejects.toBeInstanceOf(FrameTooLargeError);
    await expect(published).rejects.toThrow(/maxFrameBytes of 2000/);
    expect(await redis.xlen(`${testPrefix}StreamFrameAdmin`)).toBe(0);
  });

  it.each([
    ['a huge payload', (): string => frameOf('StreamFrameJob', { seq: 1, padding: 'x'.repeat(1024 * 1024) })],
    ['a deeply nested payload', (): string => `${'{"a":'.repeat(300_000)}1${'}'.repeat(300_000)}`],
  ])('sets %s read above maxFrameBytes aside unparsed, with its size, and acknowledges it', async (_case, write) => {
    const b = bus();
    const seen: number[] = [];
    await b.subscribe(StreamFrameJob, (m) => void seen.push(m.seq));
    await b.start();
    const frame = write();
    await redis.xadd(`${testPrefix}StreamFrameJob`, '*', 'frame', frame);
    await b.publish(job(2));
    await waitFor(() => seen.length === 1 && undeliverable.length === 1, 'the job and the rejection');
    expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code: 'SM_FRAME_DECODE' } });
    expect(undeliverable[0]!.error.message).toContain(`${Buffer.byteLength(frame)} bytes`);
    await waitFor(async () => (await pendingOf(`${testPrefix}StreamFrameJob`)) === 0, 'both entries acknowledged');
    const [[, fields]] = (await redis.xrange(`${testPrefix}StreamFrameJob:dead-letters`, '-', '+')) as [
      [string, string[]],
    ];
    const kept = fields[fields.indexOf('frame') + 1] ?? '';
    expect(kept.length).toBeLessThanOrEqual(1024);
  });

  it('labels a payload with its own serializer’s content type, and it round trips', async () => {
    const b = bus({}, [new TextSerializer('stream-text', 'text/plain')]);
    const notes: string[] = [];
    await b.subscribe(StreamFrameNote, (m) => void notes.push(m.text));
    await b.start();
    await b.publish(Object.assign(new StreamFrameNote(), { text: 'not {json}' }));
    await waitFor(() => notes.length === 1, 'the note');
    expect(notes).toEqual(['not {json}']);
    const [[, fields]] = (await redis.xrange(`${testPrefix}StreamFrameNote`, '-', '+')) as [[string, string[]]];
    const frame = JSON.parse(fields[1]!) as { datacontenttype: string; data: unknown };
    expect(frame).toMatchObject({ datacontenttype: 'text/plain', data: 'not {json}' });
  });
});
