import 'reflect-metadata';
import { IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';

@Message({ name: 'FramedReport', serializer: 'msgpack+deflate' })
class FramedReport {
  @IsString() body!: string;
}

@Message({ name: 'FramedNote' })
class FramedNote {
  @IsString() body!: string;
}

describe('frames of chained payloads stay CloudEvents-readable', () => {
  const memory = new MemoryTransport({ retain: 10 });
  const bus = new MessageBus({ entity: 'reports', transports: { memory } });
  const codec = new CloudEventsFrameCodec((serializer) => bus.payloads.contentTypeOf(serializer) ?? 'application/json');

  afterAll(() => bus.shutdown());

  it("labels the payload with the serializer's type and the stages as smcontentencoding, bytes as data_base64", async () => {
    await bus.publish(Object.assign(new FramedReport(), { body: 'quarterly figures, '.repeat(200) }));
    const envelope = memory.published()[0]!;
    const frame = JSON.parse(codec.encode(envelope)) as Record<string, unknown>;

    expect(frame).toMatchObject({
      datacontenttype: 'application/msgpack',
      smserializer: 'msgpack+deflate',
      smcontentencoding: 'deflate',
      data_base64: Buffer.from(envelope.payload).toString('base64'),
    });
    expect(Object.keys(frame).indexOf('smcontentencoding')).toBe(Object.keys(frame).indexOf('smserializer') + 1);
    expect(frame).not.toHaveProperty('data');
  });

  it('decodes such a frame back to the same header and bytes', async () => {
    const envelope = memory.published()[0]!;
    const decoded = codec.decode(codec.encode(envelope));

    expect(decoded.header).toEqual(envelope.header);
    expect(Buffer.from(decoded.payload)).toEqual(Buffer.from(envelope.payload));
  });

  it('writes a plain json frame without smcontentencoding, as before', async () => {
    await bus.publish(Object.assign(new FramedNote(), { body: 'hi' }));
    const frame = codec.encode(memory.published()[1]!);

    expect(frame).not.toContain('smcontentencoding');
    expect(frame).toMatch(/"datacontenttype":"application\/json",.*"smserializer":"json",.*"data":\{"body":"hi"\}\}$/);
  });

  it('takes the chain from smserializer alone: a forged smcontentencoding changes nothing', async () => {
    const envelope = memory.published()[0]!;
    const forged = codec.encode(envelope).replace('"smcontentencoding":"deflate"', '"smcontentencoding":"identity"');

    expect(codec.decode(forged).header.serializer).toBe('msgpack+deflate');
  });
});
