import { describe, expect } from '@jest/globals';
import { textEnvelope, textEnvelopes } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';

export function describeCloseCases(suite: ConformanceSuite): void {
  describe('close', () => {
    suite.test('close while deliveries are in flight resolves only after they ended', async (h) => {
      const messageClass = h.messageClass('ClosedWhileBusy');
      const gate = h.gate();
      const ended = new Set<string>();
      const recorder = h.recorder(async (envelope) => {
        await gate.whenOpen;
        ended.add(envelope.header.uuid);
      });
      await h.subscribe(messageClass, recorder, { concurrency: 2 });
      await h.publishInOrder(textEnvelopes(messageClass, 4));
      await h.waitFor(
        () => recorder.inFlight === 2,
        () => `2 deliveries in flight (in flight: ${recorder.inFlight})`,
      );
      const heldWhenClosing = recorder.deliveries.map((delivery) => delivery.envelope.header.uuid);

      let endedWhenClosed: string[] = [];
      let inFlightWhenClosed = -1;
      const closing = h.close().then(() => {
        endedWhenClosed = [...ended];
        inFlightWhenClosed = recorder.inFlight;
      });
      await h.giveTimeToResolveEarly(closing);
      gate.open();
      await closing;

      expect(heldWhenClosing).toHaveLength(2);
      expect(endedWhenClosed).toEqual(expect.arrayContaining(heldWhenClosing));
      expect(inFlightWhenClosed).toBe(0);
    });

    suite.test('publish after close rejects', async (h) => {
      const messageClass = h.messageClass('AfterClose');
      await h.subscribe(messageClass, h.recorder());
      await h.close();

      await expect(h.transport.publish(textEnvelope(messageClass, 0))).rejects.toBeInstanceOf(Error);
    });
  });
}
