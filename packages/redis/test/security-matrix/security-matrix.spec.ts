import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  DeadLetterQueue,
  MessageBus,
  MessageObserver,
  SECURITY_EVENT_LEVELS,
  SecurityEvent,
  TrustStore,
  UndeliverableMessage,
  aes256gcm,
} from '@smart-message/nestjs';
import { PrometheusMessageObserver } from '@smart-message/prometheus';
import { waitFor } from '@smart-message/testing';
import { Registry } from 'prom-client';
import { MatrixWire, MemoryWire, RedisWire } from './matrix-wires';
import { editFrame, splitFrame } from './matrix-frames';
import {
  MATRIX_CASES,
  MatrixBody,
  MatrixCase,
  ORDERS,
  PAYMENTS,
  RECEIVER_KEYS,
  SENDER_KEYS,
} from './security-matrix.cases';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The audit events as the observer hook hands them, to check their fields. */
class SecurityEventRecorder implements MessageObserver {
  readonly events: SecurityEvent[] = [];

  securityEvent(event: SecurityEvent): void {
    this.events.push(event);
  }
}

/** A counter's samples in a real prom-client registry, as a scrape would show them. */
async function samplesOf(registry: Registry, name: string): Promise<{ labels: object; value: number }[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

const SECURITY_EVENTS_TOTAL = 'smart_message_security_events_total';
const DEAD_LETTERED_TOTAL = 'smart_message_dead_lettered_total';

/** Tamper with the bytes the wire carries, not with objects: every frame goes through the real codec. */
describe.each<[string, () => MatrixWire]>([
  ['memory', () => new MemoryWire()],
  ['redis pub/sub', () => new RedisWire('pubsub')],
  ['redis streams', () => new RedisWire('streams')],
])('the security matrix on %s', (_wireName, wireOf) => {
  const wire = wireOf();
  const buses: MessageBus[] = [];
  let caseNumber = 0;

  afterEach(async () => {
    jest.useRealTimers();
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000)));
    await wire.close();
  });

  afterAll(() => wire.dispose());

  it.each(MATRIX_CASES.map((matrixCase) => [`${matrixCase.row}: ${matrixCase.name}`, matrixCase] as const))(
    '%s',
    async (_name, tableCase: MatrixCase) => {
      const matrixCase: MatrixCase =
        wire.redelivers && tableCase.whereRedelivered !== undefined
          ? { ...tableCase, refused: undefined, ...tableCase.whereRedelivered }
          : tableCase;
      await wire.open(`c${caseNumber++}`);
      const { sender = {}, receiver = {} } = matrixCase;
      const receiveType = matrixCase.receive ?? matrixCase.send;
      const canary = `canary-${randomUUID()}`;

      if (matrixCase.monitor) await wire.monitor();
      const audit = new SecurityEventRecorder();
      const registry = new Registry();
      const metrics = new PrometheusMessageObserver({ registry });
      const undeliverable: UndeliverableMessage[] = [];
      const queue = new DeadLetterQueue(wire.deadLetters());
      const receiving = new MessageBus({
        entity: 'billing',
        logger: silent,
        transports: { wire: wire.transport('receiver') },
        stages: [aes256gcm({ keys: receiver.keys ?? RECEIVER_KEYS })],
        security: {
          trust: new TrustStore(receiver.trust ?? [ORDERS.trusted, PAYMENTS.trusted]),
          receive: receiver.receive,
        },
        observers: [audit, metrics],
        onUndeliverable: (event) => {
          undeliverable.push(event);
          return queue.record(event);
        },
      });
      buses.push(receiving);
      metrics.watch(receiving);
      const handled: MatrixBody[] = [];
      const bystander: MatrixBody[] = [];
      await receiving.subscribe(receiveType, (message) => void handled.push(message), {
        authorize: receiver.authorize,
      });
      if (receiver.bystander) await receiving.subscribe(receiveType, (message) => void bystander.push(message));
      await receiving.start();

      const sending = new MessageBus({
        entity: 'orders',
        logger: silent,
        transports: { wire: wire.transport('sender') },
        stages: [aes256gcm({ keys: sender.keys ?? SENDER_KEYS })],
        security: sender.sign === false ? {} : { identities: [ORDERS.identity, PAYMENTS.identity] },
      });
      buses.push(sending);
      await sending.start();
      const message = Object.assign(new matrixCase.send(), {
        id: 'o-1',
        total: sender.total ?? 100,
        note: sender.longNote ? `${canary} ${'line item, '.repeat(200)}` : canary,
      });
      if (sender.clockOffsetMs !== undefined) fakeClock(sender.clockOffsetMs);
      await sending.publish(message, { ...(sender.asPayments ? { from: 'payments' } : {}), ...sender.publish });
      jest.useRealTimers();
      await waitFor(async () => (await wire.captured(matrixCase.send.name)).length === 1, 'the sent frame');
      const [sent] = await wire.captured(matrixCase.send.name);

      const frame = matrixCase.edit === undefined ? sent! : editOf(sent!, matrixCase);
      const { attributes } = splitFrame(frame);
      const injections = matrixCase.injections ?? 1;
      for (let injection = 1; injection <= injections; injection++) {
        await wire.inject(String(attributes.type), frame);
        await waitFor(
          () => receiving.statistics.forType(String(attributes.type)).received >= injection,
          `injection ${injection} to be received`,
        );
        await receiving.idle();
      }
      await waitFor(async () => (await queue.list()).total === undeliverable.length, 'the dead letters to be recorded');

      // The handler under test; a bystander without a policy runs regardless.
      expect(handled).toHaveLength(matrixCase.handled);
      if (receiver.bystander) expect(bystander).toHaveLength(injections);
      const letters = (await queue.list()).entries;
      const refusal = matrixCase.refused;
      if (refusal === undefined) {
        expect(undeliverable).toEqual([]);
        expect(audit.events).toEqual([]);
        expect(await samplesOf(registry, SECURITY_EVENTS_TOTAL)).toEqual([]);
        expect(await samplesOf(registry, DEAD_LETTERED_TOTAL)).toEqual([]);
      } else {
        expect(letters).toEqual([
          expect.objectContaining({
            reason: refusal.reason,
            transport: 'wire',
            error: expect.objectContaining({ code: refusal.code }),
            ...(refusal.perHandler ? { handlerId: expect.any(String) } : {}),
            envelope: expect.objectContaining({
              header: expect.objectContaining({ uuid: attributes.id, messageClass: attributes.type }),
            }),
          }),
        ]);
        expect(await samplesOf(registry, DEAD_LETTERED_TOTAL)).toEqual([
          { labels: expect.objectContaining({ reason: refusal.reason }), value: 1 },
        ]);
        const level = SECURITY_EVENT_LEVELS[refusal.event];
        expect(audit.events).toEqual([
          expect.objectContaining({
            name: refusal.event,
            level,
            mode: 'enforce',
            code: refusal.code,
            uuid: attributes.id,
            messageClass: attributes.type,
            claimedFrom: attributes.smfrom,
            transport: 'wire',
            verified: refusal.verified ?? false,
            ...(refusal.perHandler ? { handlerId: letters[0]!.handlerId } : {}),
          }),
        ]);
        // The counter of a real registry: one series, this event's, counted once.
        expect(await samplesOf(registry, SECURITY_EVENTS_TOTAL)).toEqual([
          { labels: { event: refusal.event, level, mode: 'enforce' }, value: 1 },
        ]);
        // Final: acknowledged, nothing left for the broker to hand out again.
        await waitFor(async () => (await wire.pending(String(attributes.type))) === 0, 'no entry left pending');
      }
      // Audit events never carry payload bytes; encrypted payloads stay encrypted everywhere, dead letters included.
      expect(JSON.stringify(audit.events)).not.toContain(canary);
      expect(await registry.metrics()).not.toContain(String(attributes.id));
      if (String(attributes.smserializer).includes('a256gcm')) {
        const stored = await wire.everything();
        expect(stored).toContain(String(attributes.id));
        expect(stored).not.toContain(canary);
        expect(stored).not.toContain(Buffer.from(canary).toString('base64').slice(0, 16));
        expect(JSON.stringify(letters)).not.toContain(canary);
      }
      if (matrixCase.monitor) {
        const commands = await wire.monitored();
        if (commands !== undefined) {
          // Proof the recording covered the case: the frame's id went through Redis, the canary never did.
          expect(commands).toContain(String(attributes.id));
          expect(commands).not.toContain(canary);
        }
      }
      if (matrixCase.handled > 0) expect(handled[0]!.note).toBe(canary);
    },
  );
});

function editOf(frame: string, matrixCase: MatrixCase): string {
  return editFrame(frame, matrixCase.edit!);
}

/** The sender's clock only: timers stay real, so the buses keep running. */
function fakeClock(offsetMs: number): void {
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
}
