import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { IsNumber, IsString } from 'class-validator';
import {
  Aes256GcmStage,
  DeadLetterQueue,
  Envelope,
  KeyEntry,
  MemoryDeadLetterStore,
  MemoryTransport,
  Message,
  MessageBus,
  MessageHeader,
  UndeliverableMessage,
  aes256gcm,
} from '@smart-message/nestjs';
import { NONCE_BYTES, TAG_BYTES, canonicalHeaderBytes } from '@smart-message/nestjs/transport-kit';
import { settled } from '../core/wait-for';

@Message({ name: 'SealedPayment', serializer: 'json+a256gcm' })
class SealedPayment {
  @IsString() card!: string;
  @IsNumber() amount!: number;
}

@Message({ name: 'SealedRefund', serializer: 'json+a256gcm' })
class SealedRefund {
  @IsString() card!: string;
  @IsNumber() amount!: number;
}

const SECRET = 'card-4111-1111-1111-1111';
const OLD = randomBytes(32);
const NEW = randomBytes(32);
const utf8 = new TextEncoder();

const keys = (...entries: [string, Buffer, KeyEntry['status']][]): KeyEntry[] =>
  entries.map(([kid, key, status]) => ({ kid, key, status }));

/** Where the parts of a one-key (`k1`, 2 bytes) payload start: version, kid length, kid, nonce, ciphertext, tag. */
const NONCE_AT = 2 + 2;
const CIPHERTEXT_AT = NONCE_AT + NONCE_BYTES;

function header(overrides: Partial<MessageHeader> = {}): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass: 'SealedPayment',
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 4242,
    from: 'payments',
    to: 'billing',
    replyTo: 'payments',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    serializer: 'json+a256gcm',
    ...overrides,
  };
}

describe('the a256gcm stage', () => {
  const stage = aes256gcm({ keys: keys(['k1', OLD, 'primary']) });
  const plain = utf8.encode(JSON.stringify({ card: SECRET, amount: 10 }));

  it('lays out version | kid length | kid | nonce | ciphertext | tag, with a fresh nonce each time', () => {
    const sent = header();
    const first = stage.encode(plain, { header: sent });
    const second = stage.encode(plain, { header: sent });

    expect([first[0], first[1], Buffer.from(first.subarray(2, 4)).toString()]).toEqual([1, 2, 'k1']);
    expect(first.length).toBe(NONCE_AT + NONCE_BYTES + plain.length + TAG_BYTES);
    expect(first.subarray(NONCE_AT, CIPHERTEXT_AT)).not.toEqual(second.subarray(NONCE_AT, CIPHERTEXT_AT));
    expect(Buffer.from(first).includes(SECRET)).toBe(false);
    expect(stage.decode(first, { header: sent })).toEqual(Buffer.from(plain));
  });

  it.each<[string, Partial<MessageHeader>]>([
    ['messageClass', { messageClass: 'SealedRefund' }],
    ['version', { version: 2 }],
    ['uuid', { uuid: randomUUID() }],
    ['publishedAt', { publishedAt: '2026-01-01T00:00:00.000Z' }],
    ['publisherPid', { publisherPid: 1 }],
    ['from', { from: 'attacker' }],
    ['to (changed)', { to: 'shipping' }],
    ['to (removed: a broadcast)', { to: undefined }],
    ['replyTo', { replyTo: 'attacker' }],
    ['correlationId', { correlationId: randomUUID() }],
    ['causationId (removed)', { causationId: undefined }],
    ['serializer (the chain)', { serializer: 'msgpack+a256gcm' }],
  ])('binds %s: an edit fails decryption', (_field, edit) => {
    const sent = header();
    const payload = stage.encode(plain, { header: sent });

    expect(() => stage.decode(payload, { header: { ...sent, ...edit } })).toThrow(
      expect.objectContaining({ name: 'DecryptionFailedError', code: 'SM_DECRYPTION_FAILED' }),
    );
  });

  it('does not bind trace context, which tracing rewrites hop by hop', () => {
    const sent = header({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const payload = stage.encode(plain, { header: sent });
    expect(stage.decode(payload, { header: { ...sent, traceparent: undefined, tracestate: 'x=1' } })).toEqual(
      Buffer.from(plain),
    );
  });

  it('tells an absent field from an empty one, and keeps field boundaries', () => {
    expect(canonicalHeaderBytes(header({ to: undefined }), 'k1')).not.toEqual(
      canonicalHeaderBytes(header({ to: '' }), 'k1'),
    );
    const base = header();
    expect(canonicalHeaderBytes({ ...base, from: 'ab', to: 'c' }, 'k1')).not.toEqual(
      canonicalHeaderBytes({ ...base, from: 'a', to: 'bc' }, 'k1'),
    );
    expect(canonicalHeaderBytes(base, 'k1')).toEqual(canonicalHeaderBytes({ ...base }, 'k1'));
  });

  it('refuses a 4-byte tag, which Node 20 would otherwise accept', () => {
    const sent = header();
    const payload = stage.encode(plain, { header: sent });
    expect(() => stage.decode(payload.subarray(0, payload.length - 12), { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED' }),
    );
    // Shorter than any nonce and tag: refused by the length check before any key is used.
    expect(() => stage.decode(payload.subarray(0, NONCE_AT + NONCE_BYTES + 4), { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED', message: expect.stringContaining('16-byte tag') }),
    );
  });

  it('refuses an unknown layout version and a malformed key id', () => {
    const sent = header();
    const payload = stage.encode(plain, { header: sent });
    const versioned = Uint8Array.from(payload);
    versioned[0] = 2;
    const badKid = Uint8Array.from(payload);
    badKid[2] = 0x20;
    expect(() => stage.decode(versioned, { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED' }),
    );
    expect(() => stage.decode(badKid, { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED' }),
    );
  });
});

describe('encrypted messages on the memory transport, through the real codec', () => {
  let bus: MessageBus;
  let memory: MemoryTransport;
  let handled: string[];
  let undeliverable: UndeliverableMessage[];
  let deadLetters: DeadLetterQueue;

  async function start(entries: KeyEntry[]): Promise<void> {
    handled = [];
    undeliverable = [];
    memory = new MemoryTransport({ retain: 10 });
    deadLetters = new DeadLetterQueue(new MemoryDeadLetterStore());
    bus = new MessageBus({
      entity: 'billing',
      transports: { memory },
      stages: [aes256gcm({ keys: entries })],
      onUndeliverable: (event) => {
        undeliverable.push(event);
        return deadLetters.record(event);
      },
    });
    deadLetters.connect(bus);
    await bus.subscribe(SealedPayment, (payment) => void handled.push(`payment ${payment.card}`));
    await bus.subscribe(SealedRefund, (refund) => void handled.push(`refund ${refund.card}`));
    await bus.start();
  }

  afterEach(() => bus.shutdown());

  const payment = (): SealedPayment => Object.assign(new SealedPayment(), { card: SECRET, amount: 25 });

  async function publishAndCapture(): Promise<Envelope> {
    await bus.publish(payment(), { to: 'billing' });
    await settled(bus, 'SealedPayment', 1);
    handled = [];
    return memory.published()[memory.published().length - 1]!;
  }

  async function inject(envelope: Envelope): Promise<void> {
    const messageClass = envelope.header.messageClass;
    const before = bus.statistics.forType(messageClass).received;
    await memory.publish(envelope);
    await settled(bus, messageClass, before + 1);
  }

  /** The handler did not run; one dead letter, `undecodable`, with the error's code, kept as received. */
  async function refused(envelope: Envelope, code: string): Promise<void> {
    await inject(envelope);
    expect(handled).toEqual([]);
    expect(undeliverable).toHaveLength(1);
    expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code } });
    const { entries } = await deadLetters.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: 'undecodable', envelope: { header: envelope.header } });
    expect(Buffer.from(entries[0]!.envelope!.payload as Uint8Array)).toEqual(
      Buffer.from(envelope.payload as Uint8Array),
    );
    expect(Buffer.from(entries[0]!.envelope!.payload as Uint8Array).includes(SECRET)).toBe(false);
  }

  const flipped = (envelope: Envelope, at: (length: number) => number): Envelope => {
    const payload = Uint8Array.from(envelope.payload as Uint8Array);
    payload[at(payload.length)] ^= 0x01;
    return { header: envelope.header, payload };
  };

  it('round trip: encrypts on publish, names the chain, and the handler gets the message', async () => {
    await start(keys(['k1', OLD, 'primary']));
    await bus.publish(payment());
    await settled(bus, 'SealedPayment', 1);

    const sent = memory.published()[0]!;
    expect(sent.header.serializer).toBe('json+a256gcm');
    expect(sent.payload).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(sent.payload as Uint8Array).includes(SECRET)).toBe(false);
    expect(handled).toEqual([`payment ${SECRET}`]);
  });

  describe('refusals: typed, dead-lettered as received, the handler not run', () => {
    beforeEach(() => start(keys(['k1', OLD, 'primary'])));

    it.each<[string, (length: number) => number]>([
      ['the nonce', () => NONCE_AT],
      ['the ciphertext', () => CIPHERTEXT_AT + 1],
      ['the tag', (length) => length - 1],
    ])('a flipped byte in %s', async (_part, at) => {
      await refused(flipped(await publishAndCapture(), at), 'SM_DECRYPTION_FAILED');
    });

    it('a truncated (4-byte) tag', async () => {
      const sent = await publishAndCapture();
      const payload = sent.payload as Uint8Array;
      await refused({ header: sent.header, payload: payload.subarray(0, payload.length - 12) }, 'SM_DECRYPTION_FAILED');
    });

    it.each<[string, Partial<MessageHeader>]>([
      ['from', { from: 'attacker' }],
      ['to', { to: 'someone-else' }],
      ['uuid', { uuid: randomUUID() }],
      ['correlationId', { correlationId: randomUUID() }],
      ['publishedAt', { publishedAt: '2026-01-01T00:00:00.000Z' }],
    ])('a header edit: %s', async (_field, edit) => {
      const sent = await publishAndCapture();
      await refused({ header: { ...sent.header, ...edit }, payload: sent.payload }, 'SM_DECRYPTION_FAILED');
    });

    it('a class swap: a payment relabelled a refund does not reach the refund handler', async () => {
      const sent = await publishAndCapture();
      await refused(
        { header: { ...sent.header, messageClass: 'SealedRefund' }, payload: sent.payload },
        'SM_DECRYPTION_FAILED',
      );
    });

    it('a wrong key under the same id', async () => {
      const sent = await publishAndCapture();
      const impostor = new Aes256GcmStage({ keys: keys(['k1', randomBytes(32), 'primary']) });
      const forged = impostor.encode(utf8.encode(JSON.stringify({ card: 'forged', amount: 1 })), {
        header: sent.header,
      });
      await refused({ header: sent.header, payload: forged }, 'SM_DECRYPTION_FAILED');
    });

    it('an unknown key id: no trial decryption with the keys it has', async () => {
      const sent = await publishAndCapture();
      const stranger = new Aes256GcmStage({ keys: keys(['k9', OLD, 'primary']) });
      const payload = stranger.encode(utf8.encode('{"card":"x","amount":1}'), { header: sent.header });
      await refused({ header: sent.header, payload }, 'SM_KEY_NOT_FOUND');
    });

    it('a downgrade to plain json, refused before a byte is read', async () => {
      const sent = await publishAndCapture();
      await refused(
        { header: { ...sent.header, serializer: 'json' }, payload: JSON.stringify({ card: 'in clear', amount: 1 }) },
        'SM_SERIALIZER_NOT_ALLOWED',
      );
    });
  });

  it('rotation with messages in flight: the old primary opens as decrypt-only, and is refused once retired', async () => {
    await start(keys(['2026-11', OLD, 'primary']));
    await bus.publish(payment());
    await settled(bus, 'SealedPayment', 1);
    const inFlight = memory.published()[0]!;
    await bus.shutdown();

    // Phase 1 shipped "2026-12" as decrypt-only; phase 2 promotes it and demotes the old key.
    await start(keys(['2026-12', NEW, 'primary'], ['2026-11', OLD, 'decrypt-only']));
    await inject(inFlight);
    expect(handled).toEqual([`payment ${SECRET}`]);
    await bus.publish(payment());
    await settled(bus, 'SealedPayment', 2);
    const payload = memory.published()[memory.published().length - 1]!.payload as Uint8Array;
    expect(Buffer.from(payload.subarray(2, 2 + payload[1]!)).toString()).toBe('2026-12');
    await bus.shutdown();

    // Phase 3: the old key retired; a frame still under it is refused by name.
    await start(keys(['2026-12', NEW, 'primary'], ['2026-11', OLD, 'retired']));
    await refused(inFlight, 'SM_KEY_RETIRED');
  });
});
