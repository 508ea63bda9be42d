import { describe, expect } from '@jest/globals';
import { Envelope } from '@smart-message/nestjs';
import { DeliveryInfo } from '@smart-message/nestjs/transport-kit';
import { sequenceOf, sequencesUpTo, textEnvelopes } from '../conformance-envelopes';
import { RecordedDelivery } from '../delivery-recorder';
import { ConformanceSuite } from '../conformance-suite';

const MESSAGES = 10;

/**
 * Fails first deliveries only: a durable transport may deliver a failed message again, and a
 * redelivery that succeeds keeps such a transport from retrying it for the rest of the test.
 */
function failFirstDelivery(
  failsSynchronously: (sequence: number) => boolean,
  failsAsync: (sequence: number) => boolean,
) {
  return (envelope: Envelope, delivery: DeliveryInfo): void | Promise<void> => {
    if (delivery.attempt > 1) return;
    const sequence = sequenceOf(envelope);
    if (failsSynchronously(sequence)) throw new Error(`conformance handler throws on message ${sequence}`);
    if (failsAsync(sequence)) return Promise.reject(new Error(`conformance handler rejects message ${sequence}`));
  };
}

function firstDeliveries(deliveries: readonly RecordedDelivery[]): number[] {
  return deliveries.filter((delivery) => delivery.attempt === 1).map((delivery) => sequenceOf(delivery.envelope));
}

function redeliveries(deliveries: readonly RecordedDelivery[]): number[] {
  return deliveries.filter((delivery) => delivery.attempt > 1).map((delivery) => sequenceOf(delivery.envelope));
}

export function describeHandlerFailureCases(suite: ConformanceSuite): void {
  describe('failing handlers', () => {
    suite.test('a handler that throws or rejects keeps receiving the messages after the failed ones', async (h) => {
      const messageClass = h.messageClass('Failing');
      const failing = h.recorder(
        failFirstDelivery(
          (sequence) => sequence === 2,
          (sequence) => sequence === 5,
        ),
      );
      // Concurrency 1: a failed delivery that never frees its slot would stall everything after it.
      await h.subscribe(messageClass, failing, { concurrency: 1 });
      const sent = textEnvelopes(messageClass, MESSAGES);

      await h.publishInOrder(sent);
      await h.waitForAll(failing, sent, 'the failing subscription');
      await h.flush(messageClass, [failing]);

      expect(firstDeliveries(failing.deliveries)).toEqual(sequencesUpTo(MESSAGES));
      // Only what failed may come again (durable transports redeliver it; others do not).
      expect(redeliveries(failing.deliveries).filter((sequence) => sequence !== 2 && sequence !== 5)).toEqual([]);
    });

    suite.test(
      'a handler failing on every message does not keep other subscriptions of its class from receiving',
      async (h) => {
        const messageClass = h.messageClass('FailingNeighbour');
        const failing = h.recorder(
          failFirstDelivery(
            (sequence) => sequence % 2 === 0,
            (sequence) => sequence % 2 === 1,
          ),
        );
        const healthy = h.recorder();
        await h.subscribe(messageClass, failing, { concurrency: 1, group: 'conformance-failing' });
        await h.subscribe(messageClass, healthy, { concurrency: 1, group: 'conformance-healthy' });
        const sent = textEnvelopes(messageClass, MESSAGES);

        await h.publishInOrder(sent);
        await h.waitForAll(failing, sent, 'the failing subscription');
        await h.waitForAll(healthy, sent, 'the healthy subscription');
        await h.flush(messageClass, [failing, healthy]);

        expect(healthy.sequences()).toEqual(sequencesUpTo(MESSAGES));
        expect(healthy.deliveries.every((delivery) => delivery.attempt === 1)).toBe(true);
        expect(firstDeliveries(failing.deliveries)).toEqual(sequencesUpTo(MESSAGES));
      },
      'fanOutWithinInstance',
    );
  });
}
