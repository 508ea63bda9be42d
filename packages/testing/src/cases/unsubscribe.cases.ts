import { describe, expect } from '@jest/globals';
import { sequencesUpTo, textEnvelope, textEnvelopes } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';

function ascending(sequences: number[]): number[] {
  return [...sequences].sort((a, b) => a - b);
}

export function describeUnsubscribeCases(suite: ConformanceSuite): void {
  describe('unsubscribe', () => {
    suite.test('resolves only after its in-flight deliveries ended, and ends deliveries to it', async (h) => {
      const messageClass = h.messageClass('Unsubscribed');
      const gate = h.gate();
      const events: string[] = [];
      const held = h.recorder(async (envelope) => {
        await gate.whenOpen;
        events.push(`handled ${envelope.header.uuid}`);
      });
      const subscription = await h.subscribe(messageClass, held, { concurrency: 2, group: 'conformance-held' });
      const before = textEnvelopes(messageClass, 2);
      await h.publishInOrder(before);
      await h.waitFor(
        () => held.inFlight === 2,
        () => `2 deliveries in flight (in flight: ${held.inFlight})`,
      );

      let inFlightWhenResolved = -1;
      const unsubscribing = subscription.unsubscribe().then(() => {
        inFlightWhenResolved = held.inFlight;
        events.push('unsubscribed');
      });
      await h.giveTimeToResolveEarly(unsubscribing);
      gate.open();
      await unsubscribing;

      expect(inFlightWhenResolved).toBe(0);
      expect(events).toHaveLength(3);
      expect(events[2]).toBe('unsubscribed');

      // A later subscription of the class shows the later messages went out; the old one got none.
      const successor = h.recorder();
      await h.subscribe(messageClass, successor, { group: 'conformance-successor' });
      const after = [2, 3, 4].map((sequence) => textEnvelope(messageClass, sequence));
      await h.publishInOrder(after);
      await h.waitForAll(successor, after, 'the later subscription');
      await h.flush(messageClass, [successor]);

      expect(ascending(held.sequences())).toEqual([0, 1]);
      expect(ascending(successor.sequences())).toEqual([2, 3, 4]);
    });

    suite.test(
      'unsubscribing one subscription leaves the others of its class receiving',
      async (h) => {
        const messageClass = h.messageClass('PartlyUnsubscribed');
        const leaving = h.recorder();
        const staying = h.recorder();
        const leavingSubscription = await h.subscribe(messageClass, leaving, { group: 'conformance-leaving' });
        await h.subscribe(messageClass, staying, { group: 'conformance-staying' });
        const first = textEnvelope(messageClass, 0);
        await h.transport.publish(first);
        await h.waitForAll(leaving, [first], 'the subscription about to leave');
        await h.waitForAll(staying, [first], 'the staying subscription');

        await leavingSubscription.unsubscribe();
        const later = [1, 2, 3].map((sequence) => textEnvelope(messageClass, sequence));
        await h.publishInOrder(later);
        await h.waitForAll(staying, later, 'the staying subscription');
        await h.flush(messageClass, [staying]);

        expect(leaving.sequences()).toEqual([0]);
        expect(ascending(staying.sequences())).toEqual(sequencesUpTo(4));
      },
      'fanOutWithinInstance',
    );
  });
}
