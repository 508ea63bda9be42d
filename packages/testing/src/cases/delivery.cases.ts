import { describe, expect } from '@jest/globals';
import { binaryEnvelope, minimalEnvelope, textEnvelope } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';

export function describeDeliveryCases(suite: ConformanceSuite): void {
  describe('publish and subscribe', () => {
    suite.test('delivers the published envelope intact: every header field, the JSON text, attempt 1', async (h) => {
      const messageClass = h.messageClass('Delivered');
      const recorder = h.recorder();
      await h.subscribe(messageClass, recorder);
      const sent = textEnvelope(messageClass, 0);

      await h.transport.publish(sent);
      await h.waitForAll(recorder, [sent], 'the subscription');
      await h.flush(messageClass, [recorder]);

      expect(recorder.deliveries).toHaveLength(1);
      const [received] = recorder.deliveries;
      expect({ ...received.envelope.header }).toStrictEqual({ ...sent.header });
      expect(received.envelope.payload).toBe(sent.payload);
      expect(received.attempt).toBe(1);
    });

    suite.test('keeps absent optional header fields absent (a broadcast outside any conversation)', async (h) => {
      const messageClass = h.messageClass('Broadcast');
      const recorder = h.recorder();
      await h.subscribe(messageClass, recorder);
      const sent = minimalEnvelope(messageClass, 0);

      await h.transport.publish(sent);
      await h.waitForAll(recorder, [sent], 'the subscription');

      const [received] = recorder.deliveries;
      expect({ ...received.envelope.header }).toStrictEqual({ ...sent.header });
      expect(Object.keys(received.envelope.header).sort()).toEqual(Object.keys(sent.header).sort());
      expect(received.envelope.payload).toBe(sent.payload);
    });

    suite.test('delivers a binary payload byte for byte', async (h) => {
      const messageClass = h.messageClass('Binary');
      const recorder = h.recorder();
      await h.subscribe(messageClass, recorder);
      const sent = binaryEnvelope(messageClass, 0);

      await h.transport.publish(sent);
      await h.waitForAll(recorder, [sent], 'the subscription');

      const [received] = recorder.deliveries;
      expect({ ...received.envelope.header }).toStrictEqual({ ...sent.header });
      expect(received.envelope.payload).toBeInstanceOf(Uint8Array);
      expect(Array.from(received.envelope.payload as Uint8Array)).toEqual(Array.from(sent.payload as Uint8Array));
      expect(received.attempt).toBe(1);
    });
  });
}
