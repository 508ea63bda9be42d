import 'reflect-metadata';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { IsString } from 'class-validator';
import {
  Envelope,
  MemoryTransport,
  Message,
  MessageBus,
  SecurityEvent,
  TrustStore,
  UndeliverableMessage,
  generateSigningKey,
} from '@smart-message/nestjs';
import { OpenTelemetryMessageObserver } from '@smart-message/opentelemetry';
import { waitFor } from '@smart-message/testing';
import { InMemoryTracing } from './support/in-memory-tracing';

@Message({ name: 'GuardedTransfer', from: 'treasury' })
class GuardedTransfer {
  @IsString() id = '';
}

const transfer = (id: string): GuardedTransfer => Object.assign(new GuardedTransfer(), { id });
const treasury = generateSigningKey('treasury', 'treasury-1');

const reportedMissingSignature: SecurityEvent = {
  name: 'sm_sig_missing',
  level: 'critical',
  reason: 'signing is required and the message is not signed',
  code: 'SM_SIGNATURE_MISSING',
  mode: 'report',
  uuid: '11111111-1111-4111-8111-111111111111',
  messageClass: 'GuardedTransfer',
  claimedFrom: 'treasury',
  to: 'ledger',
  kid: 'enc-1',
  sigKid: 'treasury-1',
  transport: 'memory',
  handlerId: 'Ledger.book',
  verified: false,
};

const EXPECTED_ATTRIBUTES = {
  'smartmessage.security.event': 'sm_sig_missing',
  'smartmessage.security.level': 'critical',
  'smartmessage.security.mode': 'report',
  'smartmessage.security.reason': 'signing is required and the message is not signed',
  'smartmessage.security.code': 'SM_SIGNATURE_MISSING',
  'smartmessage.security.message_class': 'GuardedTransfer',
  'smartmessage.security.claimed_from': 'treasury',
  'smartmessage.security.kid': 'enc-1',
  'smartmessage.security.sig_kid': 'treasury-1',
  'smartmessage.security.transport': 'memory',
  'smartmessage.security.handler_id': 'Ledger.book',
  'smartmessage.security.verified': false,
  'messaging.message.id': '11111111-1111-4111-8111-111111111111',
};

describe('security events in traces', () => {
  const tracing = new InMemoryTracing();
  let sender: MessageBus | undefined;
  let receiver: MessageBus | undefined;

  beforeAll(() => tracing.register());
  afterAll(() => tracing.unregister());
  beforeEach(() => tracing.exporter.reset());
  afterEach(async () => {
    await sender?.shutdown();
    await receiver?.shutdown();
    sender = receiver = undefined;
  });

  it('records an unsigned message refused where signing is required on a failed span of its own', async () => {
    const wire = new MemoryTransport();
    const undeliverable: UndeliverableMessage[] = [];
    // The sender holds no signing key, so what it publishes carries no signature: a downgrade.
    sender = new MessageBus({ entity: 'treasury', transports: { memory: wire } });
    receiver = new MessageBus({
      entity: 'ledger',
      transports: { memory: wire },
      security: { trust: new TrustStore([treasury.trusted]), receive: { requireSigned: true } },
      observers: [new OpenTelemetryMessageObserver({ transports: { memory: wire } })],
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    const handled: string[] = [];
    await receiver.subscribe(GuardedTransfer, (message) => void handled.push(message.id));
    await sender.start();
    await receiver.start();

    const published = await sender.publish(transfer('t-1'));
    await waitFor(() => undeliverable.length === 1, 'the refused transfer');

    const span = tracing.span('smartmessage security sm_sig_missing');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringMatching(/sign/i) });
    expect(span.events.map((event) => event.name)).toEqual(['smartmessage.security']);
    const attributes = span.events[0]!.attributes!;
    expect(attributes).toMatchObject({
      'smartmessage.security.event': 'sm_sig_missing',
      'smartmessage.security.level': 'critical',
      'smartmessage.security.mode': 'enforce',
      'smartmessage.security.code': 'SM_SIGNATURE_MISSING',
      'smartmessage.security.message_class': 'GuardedTransfer',
      'smartmessage.security.claimed_from': 'treasury',
      'smartmessage.security.transport': 'memory',
      'smartmessage.security.verified': false,
      'messaging.message.id': published.uuid,
    });
    expect(span.attributes).toEqual(attributes);
    expect(handled).toEqual([]);
    expect(tracing.has('GuardedTransfer process')).toBe(false);
  });

  it('lets an unsigned message through in report mode without failing its consumer span', async () => {
    const wire = new MemoryTransport();
    sender = new MessageBus({ entity: 'treasury', transports: { memory: wire } });
    receiver = new MessageBus({
      entity: 'ledger',
      transports: { memory: wire },
      security: { trust: new TrustStore([treasury.trusted]), receive: { requireSigned: true, mode: 'report' } },
      observers: [new OpenTelemetryMessageObserver()],
    });
    const handled: string[] = [];
    await receiver.subscribe(GuardedTransfer, (message) => void handled.push(message.id));
    await sender.start();
    await receiver.start();

    await sender.publish(transfer('t-2'));
    await waitFor(() => tracing.has('GuardedTransfer process'), 'the consumer span');

    expect(handled).toEqual(['t-2']);
    expect(tracing.span('GuardedTransfer process').status.code).toBe(SpanStatusCode.UNSET);
    const recorded = tracing
      .spans()
      .flatMap((span) =>
        span.events.map((event) => [span.name, event.name, event.attributes?.['smartmessage.security.mode']]),
      );
    // The bus audits before any handler span starts, so the event has a span of its own.
    expect(recorded).toEqual([['smartmessage security sm_sig_missing', 'smartmessage.security', 'report']]);
  });

  it('adds a report-mode event to the active span and leaves that span’s status alone', () => {
    const observer = new OpenTelemetryMessageObserver();
    const tracer = trace.getTracer('security-events.spec');

    tracer.startActiveSpan('GuardedTransfer process', (span) => {
      observer.securityEvent(reportedMissingSignature);
      span.end();
    });

    expect(tracing.names()).toEqual(['GuardedTransfer process']);
    const consumer = tracing.span('GuardedTransfer process');
    expect(consumer.status.code).toBe(SpanStatusCode.UNSET);
    expect(consumer.events.map((event) => [event.name, event.attributes])).toEqual([
      ['smartmessage.security', EXPECTED_ATTRIBUTES],
    ]);
  });

  it('records an event reported with no active span on its own span, failed only when critical', () => {
    const observer = new OpenTelemetryMessageObserver();

    observer.securityEvent(reportedMissingSignature);
    observer.securityEvent({
      name: 'sm_key_rotated',
      level: 'info',
      reason: 'the trust store was reloaded',
      mode: 'enforce',
      verified: false,
    });

    const critical = tracing.span('smartmessage security sm_sig_missing');
    expect(critical.parentSpanContext).toBeUndefined();
    expect(critical.status).toEqual({ code: SpanStatusCode.ERROR, message: reportedMissingSignature.reason });
    expect(critical.events.map((event) => [event.name, event.attributes])).toEqual([
      ['smartmessage.security', EXPECTED_ATTRIBUTES],
    ]);
    const info = tracing.span('smartmessage security sm_key_rotated');
    expect(info.status.code).toBe(SpanStatusCode.UNSET);
    expect(info.events[0]!.attributes).toEqual({
      'smartmessage.security.event': 'sm_key_rotated',
      'smartmessage.security.level': 'info',
      'smartmessage.security.mode': 'enforce',
      'smartmessage.security.reason': 'the trust store was reloaded',
      'smartmessage.security.verified': false,
    });
  });

  it('never carries the payload or the signature of a tampered message', async () => {
    const wire = new MemoryTransport({ retain: 10 });
    const undeliverable: UndeliverableMessage[] = [];
    sender = new MessageBus({
      entity: 'treasury',
      transports: { memory: wire },
      security: { identities: [treasury.identity] },
    });
    receiver = new MessageBus({
      entity: 'ledger',
      transports: { memory: wire },
      security: { trust: new TrustStore([treasury.trusted]), receive: { requireSigned: true } },
      observers: [new OpenTelemetryMessageObserver()],
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    await receiver.subscribe(GuardedTransfer, () => undefined);
    await sender.start();
    await receiver.start();
    await sender.publish(transfer('secret-transfer-id'));
    await waitFor(() => receiver!.statistics.forType('GuardedTransfer').received === 1, 'the signed transfer');
    const signed: Envelope = wire.published()[0]!;
    if (typeof signed.payload !== 'string') throw new Error('expected a JSON payload');
    const tampered = signed.payload.replace('secret-transfer-id', 'secret-transfer-xx');
    expect(tampered).not.toBe(signed.payload);

    await wire.publish({
      header: { ...signed.header, uuid: '22222222-2222-4222-8222-222222222222' },
      payload: tampered,
    });
    await waitFor(() => undeliverable.length === 1, 'the refused tampered transfer');

    const span = tracing.span('smartmessage security sm_sig_invalid');
    expect(span.events[0]!.attributes).toMatchObject({
      'smartmessage.security.event': 'sm_sig_invalid',
      'smartmessage.security.sig_kid': 'treasury-1',
    });
    const recorded = JSON.stringify(tracing.spans().map((each) => [each.attributes, each.events]));
    const signatureBytes = signed.header.signature!.split(';')[3]!;
    expect(recorded).not.toContain(signatureBytes);
    expect(recorded).not.toContain('secret-transfer');
  });
});
