import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import {
  Envelope,
  IdentityNotDeclaredError,
  MemoryTransport,
  Message,
  MessageBus,
  MessageBusOptions,
  MessageContext,
  MessagePolicyRequest,
  SecurityEvent,
  TrustStore,
  UndeliverableMessage,
  generateSigningKey,
} from '@smart-message/nestjs';
import { settled } from '../core/wait-for';

@Message({ name: 'SignedOrder', from: 'orders' })
class SignedOrder {
  @IsString() id!: string;
  @IsInt() totalCents!: number;
}

@Message({ name: 'SignedQuote', from: 'billing' })
class SignedQuote {
  @IsInt() cents!: number;
}

const orders = generateSigningKey('orders', 'orders-1');
const payments = generateSigningKey('payments', 'payments-1');
const billing = generateSigningKey('billing', 'billing-1');
const trust = (): TrustStore => new TrustStore([orders.trusted, payments.trusted, billing.trusted]);

const order = (totalCents = 100): SignedOrder => Object.assign(new SignedOrder(), { id: 'o-1', totalCents });

describe('signed messages', () => {
  let wire: MemoryTransport;
  let sender: MessageBus;
  let receiver: MessageBus;
  let handled: { order: SignedOrder; context: MessageContext }[];
  let undeliverable: UndeliverableMessage[];
  let events: SecurityEvent[];
  let policyRequests: MessagePolicyRequest[];

  async function start(receiverOptions: Partial<MessageBusOptions> = {}, senderIdentities = [orders.identity]) {
    wire = new MemoryTransport({ retain: 10 });
    handled = [];
    undeliverable = [];
    events = [];
    policyRequests = [];
    sender = new MessageBus({
      entity: 'orders',
      transports: { memory: wire },
      security: { identities: senderIdentities },
    });
    receiver = new MessageBus({
      entity: 'billing',
      transports: { memory: wire },
      security: { trust: trust(), receive: { requireSigned: true } },
      observers: [{ securityEvent: (event) => void events.push(event) }],
      onUndeliverable: (event) => void undeliverable.push(event),
      ...receiverOptions,
    });
    await receiver.subscribe(SignedOrder, (message, context) => void handled.push({ order: message, context }), {
      authorize: (request) => {
        policyRequests.push(request);
        return true;
      },
    });
    await sender.start();
    await receiver.start();
  }

  afterEach(async () => {
    jest.useRealTimers();
    await sender?.shutdown();
    await receiver?.shutdown();
  });

  async function publishAndCapture(): Promise<Envelope> {
    await sender.publish(order());
    await settled(receiver, 'SignedOrder', 1);
    handled = [];
    events = [];
    return wire.published()[wire.published().length - 1]!;
  }

  async function inject(envelope: Envelope): Promise<void> {
    const before = receiver.statistics.forType('SignedOrder').received;
    await wire.publish(envelope);
    await settled(receiver, 'SignedOrder', before + 1);
  }

  /** The handler did not run; one dead letter with the reason and code; the audit event was reported. */
  function refused(reason: string, code: string, event: string): void {
    expect(handled).toEqual([]);
    expect(undeliverable).toHaveLength(1);
    expect(undeliverable[0]).toMatchObject({ reason, error: { code } });
    expect(events).toEqual([
      expect.objectContaining({ name: event, mode: 'enforce', claimedFrom: expect.any(String) }),
    ]);
    expect(JSON.stringify(events)).not.toContain(undeliverable[0]!.envelope?.header.signature?.split(';')[3] ?? '!');
  }

  it('signs on publish and proves the sender to handlers and policies', async () => {
    await start();
    await sender.publish(order(250));
    await settled(receiver, 'SignedOrder', 1);

    const sent = wire.published()[0]!;
    expect(sent.header.signature).toMatch(/^v1;ed25519;orders-1;[A-Za-z0-9_-]{86}$/);
    expect(Date.parse(sent.header.sentAt!)).toBeGreaterThan(Date.now() - 5000);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.order.totalCents).toBe(250);
    expect(handled[0]!.context.verified).toBe(true);
    expect(handled[0]!.context.security.signer).toEqual({ entity: 'orders', kid: 'orders-1', alg: 'ed25519' });
    expect(policyRequests[0]).toMatchObject({ from: 'orders', verified: true });
    expect(undeliverable).toEqual([]);
  });

  it('refuses to publish as an entity the app did not declare, sending nothing', async () => {
    await start();
    await expect(sender.publish(order(), { from: 'payments' })).rejects.toBeInstanceOf(IdentityNotDeclaredError);
    await expect(sender.publish(order(), { from: 'payments' })).rejects.toMatchObject({
      code: 'SM_IDENTITY_NOT_DECLARED',
    });
    expect(wire.published()).toEqual([]);
  });

  it('refuses a valid signature by another entity’s key (payments signing as orders)', async () => {
    await start({}, [orders.identity, payments.identity]);
    await sender.publish(order(), { from: 'payments' });
    await settled(receiver, 'SignedOrder', 1);
    handled = [];
    events = [];
    const byPayments = wire.published()[0]!;
    expect(byPayments.header.signature).toContain(';payments-1;');
    await inject({ header: { ...byPayments.header, from: 'orders' }, payload: byPayments.payload });
    refused('unverified', 'SM_SIGNING_KEY_ENTITY_MISMATCH', 'sm_sig_key_entity_mismatch');
  });

  it.each<[string, (envelope: Envelope) => Envelope]>([
    ['a payload byte', (e) => ({ header: e.header, payload: (e.payload as string).replace('100', '900') })],
    ['the recipient', (e) => ({ header: { ...e.header, to: 'shipping' }, payload: e.payload })],
    [
      'the uuid',
      (e) => ({ header: { ...e.header, uuid: '00000000-0000-4000-8000-000000000000' }, payload: e.payload }),
    ],
    ['the send time', (e) => ({ header: { ...e.header, sentAt: new Date().toISOString() }, payload: e.payload })],
    ['the version', (e) => ({ header: { ...e.header, version: 2 }, payload: e.payload })],
    ['the chain', (e) => ({ header: { ...e.header, serializer: 'json+deflate' }, payload: e.payload })],
  ])('refuses a message whose %s changed after signing', async (_, edit) => {
    await start();
    const sent = await publishAndCapture();
    const edited = edit(sent);
    if (edited.header.version !== 1) {
      // A version the class does not read never reaches this handler: the version check comes first.
      await receiver.subscribe(SignedOrder, () => undefined).catch(() => undefined);
    }
    await inject(edited);
    if (edited.header.version !== 1) {
      expect(undeliverable[0]).toMatchObject({ reason: 'future-version' });
      return;
    }
    refused('unverified', 'SM_SIGNATURE_INVALID', 'sm_sig_invalid');
  });

  it('refuses a block that claims hs256 over an Ed25519 key (algorithm confusion)', async () => {
    await start();
    const sent = await publishAndCapture();
    const [, , kid, signature] = sent.header.signature!.split(';');
    await inject({
      header: { ...sent.header, signature: `v1;hs256;${kid};${signature!.slice(0, 43)}` },
      payload: sent.payload,
    });
    refused('unverified', 'SM_SIGNATURE_INVALID', 'sm_sig_invalid');
    expect(undeliverable[0]!.error.message).toContain('trust store holds an ed25519 key');
  });

  it('refuses an unknown signing key, and a retired one', async () => {
    await start({
      security: { trust: new TrustStore([{ ...orders.trusted, status: 'retired' }]), receive: { requireSigned: true } },
    });
    const sent = await publishAndCapture();
    expect(undeliverable[0]).toMatchObject({ reason: 'unverified', error: { code: 'SM_SIGNING_KEY_RETIRED' } });
    undeliverable = [];
    await inject({
      header: { ...sent.header, signature: sent.header.signature!.replace('orders-1', 'orders-9') },
      payload: sent.payload,
    });
    refused('unverified', 'SM_SIGNING_KEY_UNKNOWN', 'sm_sig_unknown_key');
  });

  it('audits an unknown signing key once in report mode, and still delivers the message unverified', async () => {
    await start({ security: { trust: trust(), receive: { requireSigned: true, mode: 'report' } } });
    const sent = await publishAndCapture();
    await inject({
      header: { ...sent.header, signature: sent.header.signature!.replace('orders-1', 'orders-9') },
      payload: sent.payload,
    });

    expect(handled).toHaveLength(1);
    expect(handled[0]!.context.verified).toBe(false);
    expect(undeliverable).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ name: 'sm_sig_unknown_key', mode: 'report' })]);
  });

  it('refuses an unsigned message where signing is required, and only audits it in report mode', async () => {
    await start();
    const sent = await publishAndCapture();
    const { signature: _signature, sentAt: _sentAt, ...unsigned } = sent.header;
    await inject({ header: unsigned, payload: sent.payload });
    refused('policy-violation', 'SM_SIGNATURE_MISSING', 'sm_sig_missing');

    await receiver.shutdown();
    await start({ security: { trust: trust(), receive: { requireSigned: true, mode: 'report' } } });
    await inject({ header: { ...unsigned, uuid: '11111111-1111-4111-8111-111111111111' }, payload: sent.payload });
    expect(handled).toHaveLength(1);
    expect(handled[0]!.context.verified).toBe(false);
    expect(undeliverable).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ name: 'sm_sig_missing', mode: 'report' })]);
  });

  it('handles a replayed signed message once, and refuses the copy as a replay', async () => {
    await start();
    await sender.publish(order());
    await settled(receiver, 'SignedOrder', 1);
    const captured = wire.published()[0]!;
    await inject(captured);
    expect(handled).toHaveLength(1);
    refusedReplay();

    function refusedReplay(): void {
      expect(undeliverable).toEqual([
        expect.objectContaining({
          reason: 'replayed',
          error: expect.objectContaining({ code: 'SM_MESSAGE_REPLAYED' }),
        }),
      ]);
      expect(events).toEqual([expect.objectContaining({ name: 'sm_replay_detected', level: 'critical' })]);
    }
  });

  it.each([
    ['301 s in the past', -301_000, true],
    ['299 s in the past', -299_000, false],
    ['301 s in the future', 301_000, true],
    ['299 s in the future', 299_000, false],
  ])('checks freshness on a transport that does not redeliver: signed %s', async (_, offsetMs, stale) => {
    await start();
    jest.useFakeTimers({
      now: Date.now() + offsetMs,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'setInterval',
        'clearTimeout',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    await sender.publish(order());
    jest.useRealTimers();
    await settled(receiver, 'SignedOrder', 1);
    if (!stale) {
      expect(handled).toHaveLength(1);
      return;
    }
    refused('replayed', 'SM_MESSAGE_STALE', 'sm_replay_stale');
  });

  it('refuses plaintext where encryption is required, before decoding', async () => {
    await start({ security: { trust: trust(), receive: { requireEncrypted: true } } });
    await sender.publish(order());
    await settled(receiver, 'SignedOrder', 1);
    refused('policy-violation', 'SM_ENCRYPTION_REQUIRED', 'sm_policy_violation');
  });

  it('accepts a reply to a signed request only when the addressed entity signed it', async () => {
    await start();
    const refusedReplies: UndeliverableMessage[] = [];
    const requester = new MessageBus({
      entity: 'orders',
      transports: { memory: wire },
      security: { identities: [orders.identity], trust: trust() },
      onUndeliverable: (event) => void refusedReplies.push(event),
    });
    // Claims to be billing (SignedQuote is `from: 'billing'`) but cannot sign as billing.
    const impostor = new MessageBus({ entity: 'impostor', transports: { memory: wire } });
    await impostor.subscribe(SignedOrder, () => Object.assign(new SignedQuote(), { cents: 1 }));
    const responder = new MessageBus({
      entity: 'billing',
      transports: { memory: wire },
      security: { identities: [billing.identity], trust: trust() },
    });
    try {
      await Promise.all([impostor.start(), requester.start()]);
      await expect(
        requester.request(order(4200), { replyType: SignedQuote, to: 'billing', timeoutMs: 300 }),
      ).rejects.toMatchObject({ code: 'SM_REQUEST_TIMEOUT' });
      expect(refusedReplies).toEqual([
        expect.objectContaining({
          reason: 'unexpected-reply',
          error: expect.objectContaining({ code: 'SM_UNEXPECTED_REPLY' }),
        }),
      ]);
      expect(refusedReplies[0]!.error.message).toContain('must be signed by "billing"');

      // The impostor still answers first or second: its reply is refused either way, the signed one resolves.
      await responder.subscribe(SignedOrder, (request) =>
        Object.assign(new SignedQuote(), { cents: request.totalCents }),
      );
      await responder.start();
      const reply = await requester.request(order(4200), { replyType: SignedQuote, to: 'billing', timeoutMs: 2000 });
      expect(reply.cents).toBe(4200);
    } finally {
      await responder.shutdown();
      await impostor.shutdown();
      await requester.shutdown();
    }
  });
});
