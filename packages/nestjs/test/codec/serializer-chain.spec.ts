import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { Type } from 'class-transformer';
import { IsArray, IsDate, IsInt, IsString } from 'class-validator';
import { Packr } from 'msgpackr';
import {
  Envelope,
  EncodedPayload,
  MemoryTransport,
  Message,
  MessageBus,
  MessageHeader,
  MsgpackSerializer,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { PayloadStage } from '@smart-message/nestjs/transport-kit';
import { settled } from '../core/wait-for';

@Message({ name: 'ChainPlain' })
class ChainPlain {
  @IsString() text!: string;
}

@Message({ name: 'ChainPacked', serializer: 'msgpack' })
class ChainPacked {
  @IsString() text!: string;
  @IsInt() count!: number;
  @IsDate() @Type(() => Date) at!: Date;
  @IsArray() @IsString({ each: true }) tags: string[] = [];
}

@Message({ name: 'ChainPackedDeflated', serializer: 'msgpack+deflate' })
class ChainPackedDeflated {
  @IsString() text!: string;
}

@Message({ name: 'ChainJsonBrotli', serializer: 'json+br' })
class ChainJsonBrotli {
  @IsString() text!: string;
}

@Message({ name: 'ChainMigrating', serializer: 'msgpack', acceptSerializers: ['json'] })
class ChainMigrating {
  @IsString() text!: string;
}

@Message({ name: 'ChainDefault' })
class ChainDefault {
  @IsString() text!: string;
}

@Message({ name: 'ChainSealed', serializer: 'json+seal' })
class ChainSealed {
  @IsString() text!: string;
}

@Message({ name: 'ChainCompressedSealed', serializer: 'json+deflate+seal' })
class ChainCompressedSealed {
  @IsString() text!: string;
}

@Message({ name: 'ChainCompressedSealedOptIn', serializer: 'json+deflate+seal', compressBeforeEncryption: true })
class ChainCompressedSealedOptIn {
  @IsString() text!: string;
}

const LONG = 'the same words again and again, '.repeat(100); // 3.2 KB: above the 1 KB minimum

/** A header as another service's publisher would have written it. */
function headerFor(messageClass: string, serializer: string): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 4242,
    from: 'remote',
    serializer,
  };
}

describe('serializer chains on the memory transport', () => {
  let bus: MessageBus;
  let memory: MemoryTransport;
  let received: Record<string, unknown[]>;
  let undeliverable: UndeliverableMessage[];

  async function start(
    options: { serializer?: string; stages?: PayloadStage[] } = {},
    types: (new () => object)[] = [],
  ): Promise<void> {
    received = {};
    undeliverable = [];
    memory = new MemoryTransport({ retain: 20 });
    bus = new MessageBus({
      entity: 'chains',
      transports: { memory },
      onUndeliverable: (event) => void undeliverable.push(event),
      ...options,
    });
    for (const type of [
      ChainPlain,
      ChainPacked,
      ChainPackedDeflated,
      ChainJsonBrotli,
      ChainMigrating,
      ChainDefault,
      ...types,
    ])
      await bus.subscribe(type, (message) => void (received[type.name] ??= []).push(message));
    await bus.start();
  }

  afterEach(() => bus.shutdown());

  const sent = (): Envelope => memory.published()[memory.published().length - 1]!;

  async function inject(messageClass: string, serializer: string, payload: EncodedPayload): Promise<void> {
    const before = bus.statistics.forType(messageClass).received;
    await memory.publish({ header: headerFor(messageClass, serializer), payload });
    await settled(bus, messageClass, before + 1);
  }

  describe('round trips', () => {
    beforeEach(() => start());

    it('sends msgpack as bytes and hands the handler the same message, dates included', async () => {
      const at = new Date('2026-12-03T07:00:00.000Z');
      await bus.publish(Object.assign(new ChainPacked(), { text: 'hi', count: 3, at, tags: ['a', 'b'] }));
      await settled(bus, 'ChainPacked', 1);

      expect(sent().header.serializer).toBe('msgpack');
      expect(sent().payload).toBeInstanceOf(Uint8Array);
      expect(received.ChainPacked).toEqual([
        Object.assign(new ChainPacked(), { text: 'hi', count: 3, at, tags: ['a', 'b'] }),
      ]);
    });

    it('compresses a large msgpack payload, names deflate in the header, and inflates it on receipt', async () => {
      await bus.publish(Object.assign(new ChainPackedDeflated(), { text: LONG }));
      await settled(bus, 'ChainPackedDeflated', 1);

      expect(sent().header.serializer).toBe('msgpack+deflate');
      expect(sent().payload.length).toBeLessThan(LONG.length / 10);
      expect(received.ChainPackedDeflated).toEqual([Object.assign(new ChainPackedDeflated(), { text: LONG })]);
    });

    it('leaves a payload below the minimum size uncompressed and says so by naming only msgpack', async () => {
      await bus.publish(Object.assign(new ChainPackedDeflated(), { text: 'short' }));
      await settled(bus, 'ChainPackedDeflated', 1);

      expect(sent().header.serializer).toBe('msgpack');
      expect(new MsgpackSerializer().decode(sent().payload)).toEqual({ text: 'short' });
      expect(received.ChainPackedDeflated).toEqual([Object.assign(new ChainPackedDeflated(), { text: 'short' })]);
    });

    it('compresses JSON with Brotli', async () => {
      await bus.publish(Object.assign(new ChainJsonBrotli(), { text: LONG }));
      await settled(bus, 'ChainJsonBrotli', 1);

      expect(sent().header.serializer).toBe('json+br');
      expect(received.ChainJsonBrotli).toEqual([Object.assign(new ChainJsonBrotli(), { text: LONG })]);
    });

    it('sends a small json+br message as the plain json text it would be without the stage', async () => {
      await bus.publish(Object.assign(new ChainJsonBrotli(), { text: 'short' }));

      expect(sent()).toMatchObject({ header: { serializer: 'json' }, payload: '{"text":"short"}' });
    });

    it('keeps plain json as text', async () => {
      await bus.publish(Object.assign(new ChainPlain(), { text: 'plain' }));

      expect(sent()).toMatchObject({ header: { serializer: 'json' }, payload: '{"text":"plain"}' });
    });

    it('accepts a chain listed in acceptSerializers while senders migrate', async () => {
      await inject('ChainMigrating', 'json', '{"text":"from an old sender"}');

      expect(received.ChainMigrating).toEqual([Object.assign(new ChainMigrating(), { text: 'from an old sender' })]);
    });
  });

  it('gives classes that name no serializer the module-wide chain', async () => {
    await start({ serializer: 'msgpack+deflate' });
    await bus.publish(Object.assign(new ChainDefault(), { text: LONG }));
    await settled(bus, 'ChainDefault', 1);

    expect(sent().header.serializer).toBe('msgpack+deflate');
    expect(received.ChainDefault).toEqual([Object.assign(new ChainDefault(), { text: LONG })]);
  });

  it('runs a registered stage with the header it will be sent with, and the reverse on receipt', async () => {
    const seen: string[] = [];
    const reverse: PayloadStage = {
      name: 'reverse',
      kind: 'compression',
      encode: (payload, { header }) => (
        seen.push(`encode ${header.serializer} ${header.uuid}`),
        payload.slice().reverse()
      ),
      decode: (payload, { header }) => (
        seen.push(`decode ${header.serializer} ${header.uuid}`),
        payload.slice().reverse()
      ),
    };
    await start({ serializer: 'json+reverse', stages: [reverse] });
    const header = await bus.publish(Object.assign(new ChainDefault(), { text: 'backwards' }));
    await settled(bus, 'ChainDefault', 1);

    expect(seen).toEqual([`encode json+reverse ${header.uuid}`, `decode json+reverse ${header.uuid}`]);
    expect(Buffer.from(sent().payload).toString()).toBe('}"sdrawkcab":"txet"{');
    expect(received.ChainDefault).toEqual([Object.assign(new ChainDefault(), { text: 'backwards' })]);
  });

  it.each([
    [{ serializer: 'json+deflate+deflate' }, 'names "deflate" twice'],
    [{ serializer: 'msgpack', acceptSerializers: ['json', 'json+a+b+c+d'] }, 'has 5 parts'],
  ])('refuses a misspelled chain when the class is declared: %j', (options, problem) => {
    expect(() => Message({ name: 'ChainMisspelled', ...options })(class ChainMisspelled {})).toThrow(
      expect.objectContaining({ code: 'SM_INVALID_MESSAGE_OPTIONS', message: expect.stringContaining(problem) }),
    );
  });

  it('fails at start when a handled class names a stage nobody registered', async () => {
    const lone = new MessageBus({ transports: { memory: new MemoryTransport() } });
    await lone.subscribe(ChainSealed, () => undefined);
    await expect(lone.start()).rejects.toMatchObject({
      name: 'SerializerChainError',
      message: expect.stringContaining('names the stage "seal", which is not registered'),
    });
    await lone.shutdown();
    await start();
  });

  describe('the hook for an encryption stage', () => {
    /** Stands in for a256gcm: an encryption stage always runs and must never be dropped. */
    const seal: PayloadStage = {
      name: 'seal',
      kind: 'encryption',
      encode: (payload) => payload.map((byte) => byte ^ 0x5a),
      decode: (payload) => payload.map((byte) => byte ^ 0x5a),
    };

    it('refuses to compress before encrypting unless the class opts in, naming the option', async () => {
      await start({ stages: [seal] });
      await expect(bus.publish(Object.assign(new ChainCompressedSealed(), { text: LONG }))).rejects.toMatchObject({
        name: 'SerializerChainError',
        code: 'SM_SERIALIZER_CHAIN',
        message: expect.stringContaining('@Message({ compressBeforeEncryption: true })'),
      });
      await bus.publish(Object.assign(new ChainCompressedSealedOptIn(), { text: LONG }));
      expect(sent().header.serializer).toBe('json+deflate+seal');
    });

    it('treats a message without the encryption stage as a downgrade, unlike one without compression', async () => {
      await start({ stages: [seal] }, [ChainSealed]);
      await inject('ChainSealed', 'json', '{"text":"in clear"}');

      expect(received.ChainSealed).toBeUndefined();
      expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code: 'SM_SERIALIZER_NOT_ALLOWED' } });
      await bus.publish(Object.assign(new ChainSealed(), { text: 'sealed' }));
      await settled(bus, 'ChainSealed', 2);
      expect(sent().header.serializer).toBe('json+seal');
      expect(received.ChainSealed).toEqual([Object.assign(new ChainSealed(), { text: 'sealed' })]);
    });
  });

  describe('hostile chains and payloads: refused unread, dead-lettered with the reason, the bus keeps going', () => {
    beforeEach(() => start());

    async function refused(
      messageClass: string,
      serializer: string,
      payload: EncodedPayload,
    ): Promise<UndeliverableMessage['error']> {
      await inject(messageClass, serializer, payload);
      expect(Object.values(received).flat()).toEqual([]);
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', envelope: { header: { serializer } } });
      // Still delivering afterwards.
      await inject('ChainPlain', 'json', '{"text":"next"}');
      expect(received.ChainPlain).toHaveLength(1);
      return undeliverable[0]!.error;
    }

    it.each([
      ['an unknown stage', 'json+zstd', 'SM_SERIALIZER_CHAIN', 'names the stage "zstd", which is not registered'],
      ['a chain longer than four parts', 'json+deflate+br+deflate+br', 'SM_SERIALIZER_CHAIN', 'has 5 parts'],
      ['a repeated stage', 'json+deflate+deflate', 'SM_SERIALIZER_CHAIN', 'names "deflate" twice'],
      ['an empty part', 'json++deflate', 'SM_SERIALIZER_CHAIN', 'has an empty part'],
      ['a decompressor the class never asked for', 'json+deflate', 'SM_SERIALIZER_NOT_ALLOWED', 'does not accept'],
    ])('%s (%s)', async (_case, serializer, code, message) => {
      const error = await refused('ChainPlain', serializer, deflateSync('{"text":"x"}'));
      expect(error).toMatchObject({ code, message: expect.stringContaining(message) });
    });

    it('a downgrade: plain json for a msgpack+deflate class', async () => {
      const error = await refused('ChainPackedDeflated', 'json', '{"text":"downgraded"}');
      // Reports keep an error's name, code and message.
      expect(error).toMatchObject({
        name: 'SerializerNotAllowedError',
        code: 'SM_SERIALIZER_NOT_ALLOWED',
        message:
          'ChainPackedDeflated does not accept serializer "json" (it accepts "msgpack", "msgpack+deflate"): ' +
          'if senders are moving to it, list it in @Message({ acceptSerializers }) on the receivers first',
      });
    });

    it('another compression: json+br for a msgpack+deflate class', async () => {
      const error = await refused('ChainPackedDeflated', 'json+br', new Uint8Array([1, 2, 3]));
      expect(error).toMatchObject({ code: 'SM_SERIALIZER_NOT_ALLOWED' });
    });

    it('a decompression bomb: 100 MB of zeros deflated is refused at the limit, quickly, without the memory', async () => {
      const bomb = deflateSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
      expect(bomb.length).toBeLessThan(200 * 1024);
      const rss = process.memoryUsage().rss;
      const started = Date.now();
      const error = await refused('ChainPackedDeflated', 'msgpack+deflate', bomb);

      expect(Date.now() - started).toBeLessThan(1000);
      expect(process.memoryUsage().rss - rss).toBeLessThan(50 * 1024 * 1024);
      expect(error).toMatchObject({ name: 'DecompressionLimitError', code: 'SM_DECOMPRESSION_LIMIT' });
      expect(error.message).toContain(`The "deflate" payload inflates past ${4 * 1024 * 1024} bytes`);
      expect(error.message).toContain('raise maxInflatedBytes');
    });

    it('deflate data that is corrupt', async () => {
      const error = await refused('ChainPackedDeflated', 'msgpack+deflate', new Uint8Array([0x78, 0x9c, 1, 2, 3]));
      expect(error).toMatchObject({ code: 'SM_PAYLOAD_DECODE', message: expect.stringContaining('"deflate"') });
    });

    const mapOf = (key: string, value: number[]): Uint8Array =>
      new Uint8Array([0x81, 0xa0 + key.length, ...Buffer.from(key), ...value]);

    it.each([
      [
        'malformed msgpack (a string that ends early)',
        new Uint8Array([0x81, 0xa4, 0x74, 0x65, 0x78, 0x74, 0xa5, 0x68]),
        'ends early',
      ],
      ['a __proto__ key', mapOf('__proto__', [0x81, 0xa7, ...Buffer.from('isAdmin'), 0xc3]), '"__proto__" key'],
      ['a non-object payload (an array)', new Uint8Array([0x92, 0x01, 0x02]), 'not a map'],
      ['a non-object payload (a number)', new Uint8Array([0x2a]), 'not a map'],
      ['a map key that is not a string', new Uint8Array([0x81, 0x01, 0x02]), 'key is not a string'],
      [
        'an extension type (a Set)',
        new Packr({ useRecords: false, moreTypes: true }).pack({ text: new Set(['x']) }),
        'extension type',
      ],
      ['an extension type (a Date)', new Packr({ useRecords: false }).pack({ text: new Date() }), 'extension type'],
      [
        'a structured-clone record',
        new Packr({ structuredClone: true, useRecords: true }).pack({ text: 'x' }),
        'extension type',
      ],
      [
        'an array claiming 2^32-1 items in five bytes',
        new Uint8Array([0x81, 0xa1, 0x61, 0xdd, 0xff, 0xff, 0xff, 0xff]),
        'claims',
      ],
      ['bytes after the message', new Uint8Array([0x80, 0x00]), 'follow the message'],
      [
        'nesting 200 levels deep',
        new Uint8Array([0x81, 0xa1, 0x61, ...new Array<number>(200).fill(0x91), 0x01]),
        'deeper than 100',
      ],
    ])('msgpack with %s', async (_case, payload, problem) => {
      const error = await refused('ChainPacked', 'msgpack', payload);
      expect(error).toMatchObject({ code: 'SM_PAYLOAD_DECODE', message: expect.stringContaining(problem) });
    });
  });

  describe('what msgpack refuses to send', () => {
    beforeEach(() => start());

    it.each([
      ['a BigInt', { extra: 1n }, 'extra: it is a BigInt'],
      ['a Map', { extra: new Map() }, 'extra: it is a Map'],
      ['a Set', { extra: { nested: [new Set()] } }, 'extra.nested[0]: it is a Set'],
      ['a typed array other than Uint8Array', { extra: new Float32Array(2) }, 'only Uint8Array'],
    ])('%s, before anything is sent', async (_case, values, problem) => {
      const message = Object.assign(new ChainPackedDeflated(), { text: 'ok' }, values);
      await expect(bus.publish(message)).rejects.toMatchObject({
        name: 'PayloadEncodeError',
        code: 'SM_PAYLOAD_ENCODE',
        message: expect.stringContaining(problem),
      });
      expect(memory.published()).toEqual([]);
    });
  });
});
