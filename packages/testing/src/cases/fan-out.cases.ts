import { describe, expect } from '@jest/globals';
import { sequencesUpTo, textEnvelopes } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';

const SUBSCRIPTIONS = 5;
const MESSAGES = 50;

export function describeFanOutCases(suite: ConformanceSuite): void {
  describe('many subscriptions of one class', () => {
    suite.test(
      `${SUBSCRIPTIONS} subscriptions made at once each receive every one of ${MESSAGES} messages exactly once`,
      async (h) => {
        const messageClass = h.messageClass('FannedOut');
        const recorders = Array.from({ length: SUBSCRIPTIONS }, () => h.recorder());
        await Promise.all(
          recorders.map((recorder, index) =>
            h.subscribe(messageClass, recorder, { concurrency: 3, group: `conformance-${index}` }),
          ),
        );
        const sent = textEnvelopes(messageClass, MESSAGES);

        await h.publishConcurrently(sent);
        for (const [index, recorder] of recorders.entries()) {
          await h.waitForAll(recorder, sent, `subscription ${index}`);
        }
        await h.flush(messageClass, recorders);

        for (const recorder of recorders) {
          expect(recorder.sequences().sort((a, b) => a - b)).toEqual(sequencesUpTo(MESSAGES));
          expect(recorder.deliveries.every((delivery) => delivery.attempt === 1)).toBe(true);
        }
      },
      'fanOutWithinInstance',
    );
  });
}
