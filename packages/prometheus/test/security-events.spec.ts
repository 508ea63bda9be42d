import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  SecurityEvent,
  TrustStore,
  UndeliverableMessage,
  generateSigningKey,
} from '@smart-message/nestjs';
import { PrometheusMessageObserver } from '@smart-message/prometheus';
import { waitFor } from '@smart-message/testing';
import { Registry } from 'prom-client';
import { sampleValue, scrapedSamples } from './support/scraped-samples';

@Message({ name: 'GuardedPayment', from: 'payments' })
class GuardedPayment {
  @IsString() id!: string;
}

const payment = (id: string): GuardedPayment => Object.assign(new GuardedPayment(), { id });
const payments = generateSigningKey('payments', 'payments-1');

const NAME = 'smart_message_security_events_total';

describe('PrometheusMessageObserver and security events', () => {
  let sender: MessageBus | undefined;
  let receiver: MessageBus | undefined;

  afterEach(async () => {
    await sender?.shutdown();
    await receiver?.shutdown();
    sender = receiver = undefined;
  });

  it('counts an unsigned message refused where signing is required, by event, level and mode only', async () => {
    const registry = new Registry();
    const metrics = new PrometheusMessageObserver({ registry });
    const wire = new MemoryTransport();
    const undeliverable: UndeliverableMessage[] = [];
    // The sender holds no signing key, so what it publishes carries no signature: a downgrade.
    sender = new MessageBus({ entity: 'payments', transports: { memory: wire } });
    receiver = new MessageBus({
      entity: 'ledger',
      transports: { memory: wire },
      security: { trust: new TrustStore([payments.trusted]), receive: { requireSigned: true } },
      observers: [metrics],
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    metrics.watch(receiver);
    const handled: string[] = [];
    await receiver.subscribe(GuardedPayment, (message) => void handled.push(message.id));
    await sender.start();
    await receiver.start();

    await sender.publish(payment('p-1'));
    await waitFor(() => undeliverable.length === 1, 'the refused payment');

    const scrape = await registry.metrics();
    const samples = scrapedSamples(scrape);
    expect(sampleValue(samples, NAME, { event: 'sm_sig_missing', level: 'critical', mode: 'enforce' })).toBe(1);
    expect(samples.filter((sample) => sample.name === NAME)).toHaveLength(1);
    expect(handled).toEqual([]);
    expect(scrape).toContain(`# TYPE ${NAME} counter`);
    // Neither the claimed sender nor the message's uuid becomes a label value.
    expect(scrape).not.toContain(undeliverable[0]!.envelope!.header.uuid);
    expect(scrape).not.toMatch(/payments/);
  });

  it('counts every event, report-mode ones under their own series, with no label taken from the sender', async () => {
    const registry = new Registry();
    const metrics = new PrometheusMessageObserver({ registry });
    const event = (overrides: Partial<SecurityEvent>): SecurityEvent => ({
      name: 'sm_sig_missing',
      level: 'critical',
      reason: 'signing is required and the message is not signed',
      code: 'SM_SIGNATURE_MISSING',
      mode: 'report',
      uuid: '11111111-1111-4111-8111-111111111111',
      claimedFrom: 'mallory',
      kid: 'enc-kid-7',
      sigKid: 'sig-kid-9',
      transport: 'memory',
      verified: false,
      ...overrides,
    });

    metrics.securityEvent(event({}));
    metrics.securityEvent(event({ claimedFrom: 'eve-the-forger', uuid: '22222222-2222-4222-8222-222222222222' }));
    metrics.securityEvent(event({ mode: 'enforce' }));
    metrics.securityEvent(event({ name: 'sm_key_rotated', level: 'info', mode: 'enforce', claimedFrom: undefined }));

    const scrape = await registry.metrics();
    const samples = scrapedSamples(scrape);
    expect(sampleValue(samples, NAME, { event: 'sm_sig_missing', level: 'critical', mode: 'report' })).toBe(2);
    expect(sampleValue(samples, NAME, { event: 'sm_sig_missing', level: 'critical', mode: 'enforce' })).toBe(1);
    expect(sampleValue(samples, NAME, { event: 'sm_key_rotated', level: 'info', mode: 'enforce' })).toBe(1);
    expect(samples.filter((sample) => sample.name === NAME)).toHaveLength(3);
    expect(scrape).not.toMatch(/mallory|eve-the-forger|kid-|1111|2222/);
  });
});
