import { describe, expect } from '@jest/globals';
import { sequenceOf, sequencesUpTo, textEnvelopes } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';

export function describeVolumeCases(suite: ConformanceSuite): void {
  const count = suite.options.messageCount;

  describe('volume', () => {
    suite.test(`delivers ${count} messages published at once, each exactly once`, async (h) => {
      const messageClass = h.messageClass('Volume');
      const recorder = h.recorder();
      await h.subscribe(messageClass, recorder);
      const sent = textEnvelopes(messageClass, count);

      await h.publishConcurrently(sent);
      await h.waitForAll(recorder, sent, 'the subscription');
      await h.flush(messageClass, [recorder]);

      expect(recorder.deliveries).toHaveLength(count);
      expect(recorder.sequences().sort((a, b) => a - b)).toEqual(sequencesUpTo(count));
      expect(
        recorder.deliveries.filter((delivery) => delivery.attempt !== 1).map((d) => sequenceOf(d.envelope)),
      ).toEqual([]);
    });
  });
}
