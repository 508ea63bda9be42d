import { describe, expect } from '@jest/globals';
import { sequenceOf, sequencesUpTo, textEnvelopes } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';
import { pause } from '../wait-for';

const BOUND = 4;

export function describeConcurrencyCases(suite: ConformanceSuite): void {
  describe('concurrency', () => {
    suite.test(`runs up to concurrency (${BOUND}) deliveries of a subscription at once, never more`, async (h) => {
      const messageClass = h.messageClass('Bounded');
      const gate = h.gate();
      // Held at the gate until the bound is reached, then still slow enough to overlap.
      const recorder = h.recorder(async () => {
        await gate.whenOpen;
        await pause(1);
      });
      await h.subscribe(messageClass, recorder, { concurrency: BOUND });
      const sent = textEnvelopes(messageClass, BOUND * 4);

      await h.publishConcurrently(sent);
      await h.waitFor(
        () => recorder.inFlight >= BOUND,
        () => `${BOUND} deliveries in flight at once (in flight: ${recorder.inFlight})`,
      );
      gate.open();
      await h.waitForAll(recorder, sent, 'the subscription');
      await h.waitFor(() => recorder.inFlight === 0, 'the last deliveries to end');

      expect(recorder.maxInFlight).toBe(BOUND);
      expect(recorder.deliveries).toHaveLength(sent.length);
    });

    suite.test('keeps publish order under concurrency 1, one delivery at a time', async (h) => {
      const messageClass = h.messageClass('Ordered');
      // Uneven handling times: a transport that overlaps or reorders deliveries shows it.
      const recorder = h.recorder(async (envelope) => {
        if (sequenceOf(envelope) % 2 === 0) await pause(1);
      });
      await h.subscribe(messageClass, recorder, { concurrency: 1 });
      const sent = textEnvelopes(messageClass, 50);

      await h.publishInOrder(sent);
      await h.waitForAll(recorder, sent, 'the subscription');

      expect(recorder.sequences()).toEqual(sequencesUpTo(sent.length));
      expect(recorder.maxInFlight).toBe(1);
    });
  });
}
