import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { IsNumber, IsString } from 'class-validator';
import {
  DeadLetterQueue,
  Envelope,
  MemoryDeadLetterStore,
  MemoryTransport,
  Message,
  MessageBus,
  MessageHeader,
  RecipientKeySet,
  RecipientKeysJson,
  RecipientPrivateKeyEntry,
  SecurityEvent,
  Transport,
  UndeliverableMessage,
  fileRecipientKeyProvider,
  generateRecipientKey,
  x25519Recipient,
} from '@smart-message/nestjs';
import { CloudEventsFrameCodec, NONCE_BYTES, TAG_BYTES, WRAPPED_KEY_BYTES } from '@smart-message/nestjs/transport-kit';
import { settled, waitFor } from '../core/wait-for';

@Message({ name: 'SealedInvoice', serializer: 'json+x25519', to: 'billing' })
class SealedInvoice {
  @IsString() card!: string;
  @IsNumber() amount!: number;
}

/** A class with no default `to`: a broadcast unless a publish addresses it. */
@Message({ name: 'SealedNotice', serializer: 'json+x25519' })
class SealedNotice {
  @IsString() card!: string;
}

const SECRET = 'card-5500-0000-0000-0004';
const utf8 = new TextEncoder();

/** A generated pair as the stage takes it (bytes, not base64). */
function pair(entity: string, kid: string, status: RecipientPrivateKeyEntry['status'] = 'primary') {
  const { privateKey, publicKey } = generateRecipientKey(entity, kid, status);
  return {
    privateKey: { ...privateKey, privateKey: Buffer.from(privateKey.privateKey, 'base64') },
    publicKey: { ...publicKey, publicKey: Buffer.from(publicKey.publicKey, 'base64') },
  };
}

const BILLING_1 = pair('billing', 'billing-1');
const BILLING_2 = pair('billing', 'billing-2');
const SHIPPING = pair('shipping', 'shipping-1');

/** Where the parts of a payload to `billing-1` (9 bytes of kid) start. */
const EPK_AT = 2 + 'billing-1'.length;
const WRAPPED_AT = EPK_AT + 32;
const NONCE_AT = WRAPPED_AT + WRAPPED_KEY_BYTES;
const CIPHERTEXT_AT = NONCE_AT + NONCE_BYTES;

function header(overrides: Partial<MessageHeader> = {}): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass: 'SealedInvoice',
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 4242,
    from: 'orders',
    to: 'billing',
    replyTo: 'orders',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    serializer: 'json+x25519',
    ...overrides,
  };
}

const flip = (payload: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(payload);
  copy[at] ^= 0x01;
  return copy;
};

describe('the x25519 stage', () => {
  const sender = x25519Recipient({ keys: { recipients: [BILLING_1.publicKey] } });
  const billing = x25519Recipient({ keys: { privateKeys: [BILLING_1.privateKey] } });
  const plain = utf8.encode(JSON.stringify({ card: SECRET, amount: 10 }));

  it('lays out version | kid | ephemeral key | wrapped key | nonce | ciphertext | tag, fresh per message', () => {
    const sent = header();
    const first = sender.encode(plain, { header: sent });
    const second = sender.encode(plain, { header: sent });

    expect([first[0], first[1], Buffer.from(first.subarray(2, EPK_AT)).toString()]).toEqual([1, 9, 'billing-1']);
    expect(first.length).toBe(CIPHERTEXT_AT + plain.length + TAG_BYTES);
    expect(first.subarray(EPK_AT, WRAPPED_AT)).not.toEqual(second.subarray(EPK_AT, WRAPPED_AT));
    expect(first.subarray(WRAPPED_AT, NONCE_AT)).not.toEqual(second.subarray(WRAPPED_AT, NONCE_AT));
    expect(Buffer.from(first).includes(SECRET)).toBe(false);
    expect(billing.decode(first, { header: sent })).toEqual(Buffer.from(plain));
  });

  it('a sender holding no private key cannot open what it sent, nor can another recipient', () => {
    const sent = header();
    const payload = sender.encode(plain, { header: sent });
    expect(() => sender.decode(payload, { header: sent })).toThrow(
      expect.objectContaining({
        name: 'RecipientKeyNotFoundError',
        code: 'SM_RECIPIENT_KEY_NOT_FOUND',
        kid: 'billing-1',
      }),
    );
    const shipping = x25519Recipient({ keys: { privateKeys: [SHIPPING.privateKey] } });
    expect(() => shipping.decode(payload, { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_RECIPIENT_KEY_NOT_FOUND' }),
    );
  });

  it.each<[string, number | ((length: number) => number)]>([
    ['the ephemeral key', EPK_AT + 5],
    ['the wrapped key', WRAPPED_AT + 3],
    ['the nonce', NONCE_AT],
    ['the ciphertext', CIPHERTEXT_AT + 1],
    ['the tag', (length) => length - 1],
  ])('a flipped byte in %s fails decryption', (_part, at) => {
    const sent = header();
    const payload = sender.encode(plain, { header: sent });
    const index = typeof at === 'number' ? at : at(payload.length);
    expect(() => billing.decode(flip(payload, index), { header: sent })).toThrow(
      expect.objectContaining({ name: 'DecryptionFailedError', code: 'SM_DECRYPTION_FAILED', kid: 'billing-1' }),
    );
  });

  it("a swapped ephemeral key and wrapped key (another message's, both valid) fail", () => {
    const sent = header();
    const payload = sender.encode(plain, { header: sent });
    const other = sender.encode(utf8.encode('{"card":"other","amount":1}'), { header: sent });
    const swapped = Uint8Array.from(payload);
    swapped.set(other.subarray(EPK_AT, NONCE_AT), EPK_AT);
    // They unwrap, to the data key of `other`, which does not open this ciphertext (and the AAD binds the originals).
    expect(() => billing.decode(swapped, { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED' }),
    );
  });

  it('refuses a small-order (all-zero) ephemeral key with a typed error, not a crypto exception', () => {
    const sent = header();
    const payload = Uint8Array.from(sender.encode(plain, { header: sent }));
    payload.fill(0, EPK_AT, WRAPPED_AT);
    expect(() => billing.decode(payload, { header: sent })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED', message: expect.stringContaining('ephemeral key') }),
    );
  });

  it.each<[string, Partial<MessageHeader>]>([
    ['messageClass', { messageClass: 'SealedRefund' }],
    ['uuid', { uuid: randomUUID() }],
    ['from', { from: 'attacker' }],
    ['replyTo', { replyTo: 'attacker' }],
    ['publishedAt', { publishedAt: '2026-01-01T00:00:00.000Z' }],
    ['serializer (the chain)', { serializer: 'msgpack+x25519' }],
  ])('binds %s: an edit fails decryption', (_field, edit) => {
    const sent = header();
    const payload = sender.encode(plain, { header: sent });
    expect(() => billing.decode(payload, { header: { ...sent, ...edit } })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED' }),
    );
  });

  it('refuses a payload whose key belongs to another entity than its to, naming both', () => {
    const sent = header();
    const payload = sender.encode(plain, { header: sent });
    expect(() => billing.decode(payload, { header: { ...sent, to: 'shipping' } })).toThrow(
      expect.objectContaining({ code: 'SM_DECRYPTION_FAILED', message: expect.stringContaining('"shipping"') }),
    );
  });

  it('refuses truncated, too short, unknown-version and malformed-kid payloads before any key is used', () => {
    const sent = header();
    const payload = sender.encode(plain, { header: sent });
    const versioned = Uint8Array.from(payload);
    versioned[0] = 2;
    const badKid = flip(payload, 2);
    badKid[2] = 0x20;
    for (const hostile of [
      payload.subarray(0, payload.length - 12),
      payload.subarray(0, CIPHERTEXT_AT + 4),
      payload.subarray(0, 1),
      new Uint8Array(0),
      versioned,
      badKid,
    ])
      expect(() => billing.decode(hostile, { header: sent })).toThrow(
        expect.objectContaining({ code: 'SM_DECRYPTION_FAILED' }),
      );
  });

  it('refuses to encrypt without a to, or to an entity whose public key it lacks, naming the fix', () => {
    expect(() => sender.encode(plain, { header: header({ to: undefined }) })).toThrow(
      expect.objectContaining({
        name: 'RecipientKeyError',
        code: 'SM_RECIPIENT_KEY',
        message: expect.stringContaining('no `to`'),
      }),
    );
    expect(() => sender.encode(plain, { header: header({ to: 'payments' }) })).toThrow(
      expect.objectContaining({
        code: 'SM_RECIPIENT_KEY',
        to: 'payments',
        message: expect.stringContaining('pnpm keys recipient payments'),
      }),
    );
  });

  it.each<[string, RecipientKeySet, string]>([
    ['a short public key', { recipients: [{ ...BILLING_1.publicKey, publicKey: new Uint8Array(31) }] }, '31 bytes'],
    ['a long private key', { privateKeys: [{ ...BILLING_1.privateKey, privateKey: new Uint8Array(33) }] }, '33 bytes'],
    ['two public keys of one entity', { recipients: [BILLING_1.publicKey, BILLING_2.publicKey] }, 'two public keys'],
    ['two primaries of one entity', { privateKeys: [BILLING_1.privateKey, BILLING_2.privateKey] }, 'both primary'],
    ['a malformed kid', { recipients: [{ ...BILLING_1.publicKey, kid: 'has space' }] }, 'key id'],
    ['an unknown status', { privateKeys: [{ ...BILLING_1.privateKey, status: 'active' as never }] }, 'status'],
  ])('refuses at startup %s', (_case, keys, problem) => {
    expect(() => x25519Recipient({ keys })).toThrow(
      expect.objectContaining({ code: 'SM_ENCRYPTION_KEY', message: expect.stringContaining(problem) }),
    );
  });
});

/** The memory transport, with every envelope written as a CloudEvents frame and read back, as a broker would carry it. */
class FramedMemoryTransport extends MemoryTransport implements Transport {
  readonly frames: string[] = [];
  private readonly codec = new CloudEventsFrameCodec();

  override publish(envelope: Envelope): Promise<void> {
    const frame = this.codec.encode(envelope);
    this.frames.push(frame);
    return super.publish(this.codec.decode(frame));
  }
}

describe('recipient-encrypted messages between services on the memory transport, through the CloudEvents codec', () => {
  let wire: FramedMemoryTransport;
  let buses: MessageBus[];
  let handled: Record<string, string[]>;
  let undeliverable: Record<string, UndeliverableMessage[]>;
  let events: Record<string, SecurityEvent[]>;
  let deadLetters: Record<string, DeadLetterQueue>;

  beforeEach(() => {
    wire = new FramedMemoryTransport({ retain: 50 });
    buses = [];
    handled = {};
    undeliverable = {};
    events = {};
    deadLetters = {};
  });

  afterEach(async () => {
    for (const bus of buses) await bus.shutdown();
  });

  /** A service on the shared wire; with `subscribe`, it handles SealedInvoice with no `to` filter (it sees every one). */
  async function service(entity: string, keys: RecipientKeySet, subscribe = true): Promise<MessageBus> {
    handled[entity] = [];
    undeliverable[entity] = [];
    events[entity] = [];
    const queue = new DeadLetterQueue(new MemoryDeadLetterStore());
    deadLetters[entity] = queue;
    const bus = new MessageBus({
      entity,
      transports: { memory: wire },
      stages: [x25519Recipient({ keys })],
      observers: [{ securityEvent: (event) => void events[entity]!.push(event) }],
      onUndeliverable: (event) => {
        undeliverable[entity]!.push(event);
        return queue.record(event);
      },
    });
    queue.connect(bus);
    buses.push(bus);
    if (subscribe) await bus.subscribe(SealedInvoice, (invoice) => void handled[entity]!.push(invoice.card));
    await bus.start();
    return bus;
  }

  const invoice = (card = SECRET): SealedInvoice => Object.assign(new SealedInvoice(), { card, amount: 25 });

  /** The refusal as a service sees it: handler not run, one `undecodable` dead letter, one audit event. */
  async function expectRefused(entity: string, code: string, event: string, kid: string): Promise<void> {
    expect(handled[entity]).toEqual([]);
    expect(undeliverable[entity]).toHaveLength(1);
    expect(undeliverable[entity]![0]).toMatchObject({ reason: 'undecodable', error: { code } });
    const { entries } = await deadLetters[entity]!.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: 'undecodable', error: expect.objectContaining({ code }) });
    // The dead letter keeps the payload as received: still encrypted.
    expect(Buffer.from(entries[0]!.envelope!.payload as Uint8Array).includes(SECRET)).toBe(false);
    expect(events[entity]).toEqual([
      expect.objectContaining({ name: event, code, kid, messageClass: 'SealedInvoice' }),
    ]);
    expect(JSON.stringify(events[entity])).not.toContain(SECRET);
  }

  it('round trip: the recipient reads it, a third service with broker access and its own key cannot', async () => {
    const orders = await service('orders', { recipients: [BILLING_1.publicKey] }, false);
    const billing = await service('billing', { privateKeys: [BILLING_1.privateKey] });
    const shipping = await service('shipping', { privateKeys: [SHIPPING.privateKey] });

    await orders.publish(invoice());
    await settled(billing, 'SealedInvoice', 1);
    await settled(shipping, 'SealedInvoice', 1);

    expect(handled.billing).toEqual([SECRET]);
    expect(events.billing).toEqual([]);
    expect(wire.frames).toHaveLength(1);
    const frame = JSON.parse(wire.frames[0]!) as Record<string, unknown>;
    expect(frame).toMatchObject({ smserializer: 'json+x25519', smto: 'billing', datacontenttype: 'application/json' });
    expect(frame).toHaveProperty('data_base64');
    expect(wire.frames[0]).not.toContain(SECRET);
    expect(wire.frames[0]).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    await expectRefused('shipping', 'SM_RECIPIENT_KEY_NOT_FOUND', 'sm_crypt_key_not_found', 'billing-1');
  });

  it("a third service holding a different key under the recipient's kid and entity cannot decrypt", async () => {
    const orders = await service('orders', { recipients: [BILLING_1.publicKey] }, false);
    const impostor = pair('billing', 'billing-1');
    const snoop = await service('snoop', { privateKeys: [impostor.privateKey] });

    await orders.publish(invoice());
    await settled(snoop, 'SealedInvoice', 1);

    await expectRefused('snoop', 'SM_DECRYPTION_FAILED', 'sm_crypt_decrypt_fail', 'billing-1');
  });

  describe('tampered frames reaching the recipient', () => {
    let billing: MessageBus;
    let sent: Envelope;

    beforeEach(async () => {
      const orders = await service('orders', { recipients: [BILLING_1.publicKey] }, false);
      billing = await service('billing', { privateKeys: [BILLING_1.privateKey] });
      await orders.publish(invoice());
      await settled(billing, 'SealedInvoice', 1);
      handled.billing = [];
      sent = wire.published()[0]!;
    });

    async function inject(envelope: Envelope): Promise<void> {
      await wire.publish(envelope);
      await settled(billing, 'SealedInvoice', 2);
    }

    it.each<[string, number | ((length: number) => number)]>([
      ['the wrapped key', WRAPPED_AT + 1],
      ['the ephemeral key', EPK_AT + 1],
      ['the ciphertext', CIPHERTEXT_AT + 1],
      ['the tag', (length) => length - 1],
    ])('a flipped byte in %s: dead-lettered, audited, handler not run', async (_part, at) => {
      const payload = sent.payload as Uint8Array;
      await inject({ header: sent.header, payload: flip(payload, typeof at === 'number' ? at : at(payload.length)) });
      await expectRefused('billing', 'SM_DECRYPTION_FAILED', 'sm_crypt_decrypt_fail', 'billing-1');
    });

    it.each<[string, Partial<MessageHeader>]>([
      ['from', { from: 'attacker' }],
      ['uuid', { uuid: randomUUID() }],
      ['correlationId', { correlationId: randomUUID() }],
    ])('a header edit (%s): dead-lettered, audited, handler not run', async (_field, edit) => {
      await inject({ header: { ...sent.header, ...edit }, payload: sent.payload });
      await expectRefused('billing', 'SM_DECRYPTION_FAILED', 'sm_crypt_decrypt_fail', 'billing-1');
    });

    it('a frame wrapped to an unknown recipient kid', async () => {
      const stranger = x25519Recipient({ keys: { recipients: [{ ...SHIPPING.publicKey, entity: 'billing' }] } });
      const payload = stranger.encode(utf8.encode('{"card":"x","amount":1}'), { header: sent.header });
      await inject({ header: sent.header, payload });
      await expectRefused('billing', 'SM_RECIPIENT_KEY_NOT_FOUND', 'sm_crypt_key_not_found', 'shipping-1');
    });
  });

  it('the sender refuses a message with no to, or to a recipient with no known key, and sends nothing', async () => {
    const orders = await service('orders', { recipients: [BILLING_1.publicKey] }, false);

    await expect(orders.publish(Object.assign(new SealedNotice(), { card: SECRET }))).rejects.toMatchObject({
      name: 'RecipientKeyError',
      code: 'SM_RECIPIENT_KEY',
    });
    await expect(orders.publish(invoice(), { to: 'payments' })).rejects.toMatchObject({
      code: 'SM_RECIPIENT_KEY',
      to: 'payments',
    });
    expect(wire.frames).toEqual([]);
    // An addressed publish of the broadcast class goes, encrypted to its recipient.
    await orders.publish(Object.assign(new SealedNotice(), { card: SECRET }), { to: 'billing' });
    expect(wire.frames).toHaveLength(1);
  });

  it('rotation with messages in flight: the old private key, decrypt-only, still opens them; retired, it is refused', async () => {
    let orders = await service('orders', { recipients: [BILLING_1.publicKey] }, false);
    await orders.publish(invoice('in flight'));
    const inFlight = wire.published()[0]!;
    await orders.shutdown();
    // A bus's shutdown closes its transports: the next services meet on a new wire.
    wire = new FramedMemoryTransport({ retain: 50 });

    // Phase 1 gave billing the new key as decrypt-only; phase 2 promotes it and hands senders its public key.
    const billing = await service('billing', {
      privateKeys: [BILLING_2.privateKey, { ...BILLING_1.privateKey, status: 'decrypt-only' }],
    });
    orders = await service('orders', { recipients: [BILLING_2.publicKey] }, false);
    await wire.publish(inFlight);
    await orders.publish(invoice('after rotation'));
    await settled(billing, 'SealedInvoice', 2);
    expect(handled.billing).toEqual(['in flight', 'after rotation']);
    const rotated = wire.published()[wire.published().length - 1]!.payload as Uint8Array;
    expect(Buffer.from(rotated.subarray(2, 2 + rotated[1]!)).toString()).toBe('billing-2');
    await billing.shutdown();
    wire = new FramedMemoryTransport({ retain: 50 });

    // Phase 3: the old key retired; a frame still wrapped to it is refused by name.
    const retired = await service('billing', {
      privateKeys: [BILLING_2.privateKey, { ...BILLING_1.privateKey, status: 'retired' }],
    });
    await wire.publish(inFlight);
    await settled(retired, 'SealedInvoice', 1);
    await expectRefused('billing', 'SM_KEY_RETIRED', 'sm_key_retired_used', 'billing-1');
  });

  describe('keys from a file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'recipient-keys-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const write = (path: string, file: RecipientKeysJson): void =>
      writeFileSync(path, JSON.stringify(file), { mode: 0o600 });

    it('reads generated keys, and security.reload() swaps in a rotated file without a restart', async () => {
      const first = generateRecipientKey('billing', 'billing-f1');
      const second = generateRecipientKey('billing', 'billing-f2');
      const senderFile = join(dir, 'orders.json');
      const billingFile = join(dir, 'billing.json');
      write(senderFile, { recipients: [first.publicKey] });
      write(billingFile, { privateKeys: [first.privateKey] });
      const sender = new MessageBus({
        entity: 'orders',
        transports: { memory: wire },
        stages: [x25519Recipient({ keys: fileRecipientKeyProvider(senderFile) })],
      });
      const receiver = new MessageBus({
        entity: 'billing',
        transports: { memory: wire },
        stages: [x25519Recipient({ keys: fileRecipientKeyProvider(billingFile) })],
      });
      buses.push(sender, receiver);
      const cards: string[] = [];
      await receiver.subscribe(SealedInvoice, (message) => void cards.push(message.card));
      await sender.start();
      await receiver.start();

      await sender.publish(invoice('first'));
      await waitFor(() => cards.length === 1, 'the first invoice');

      write(billingFile, { privateKeys: [{ ...first.privateKey, status: 'decrypt-only' }, second.privateKey] });
      await receiver.security.reload();
      write(senderFile, { recipients: [second.publicKey] });
      await sender.security.reload();
      await sender.publish(invoice('second'));
      await waitFor(() => cards.length === 2, 'the second invoice');
      expect(cards).toEqual(['first', 'second']);
      const last = wire.published()[wire.published().length - 1]!.payload as Uint8Array;
      expect(Buffer.from(last.subarray(2, 2 + last[1]!)).toString()).toBe('billing-f2');
    });

    it('refuses a missing or malformed file at startup, naming the file and the fix', () => {
      expect(() => x25519Recipient({ keys: fileRecipientKeyProvider(join(dir, 'none.json')) })).toThrow(
        expect.objectContaining({ code: 'SM_ENCRYPTION_KEY', message: expect.stringContaining('pnpm keys recipient') }),
      );
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ privateKeys: [{ entity: 'billing', kid: 'b', privateKey: 'not base64!' }] }));
      expect(() => x25519Recipient({ keys: fileRecipientKeyProvider(bad) })).toThrow(
        expect.objectContaining({ code: 'SM_ENCRYPTION_KEY', message: expect.stringContaining('base64') }),
      );
    });
  });
});
