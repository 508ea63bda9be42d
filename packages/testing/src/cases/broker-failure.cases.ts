import { describe, expect } from '@jest/globals';
import { Envelope } from '@smart-message/nestjs';
import { sequenceOf, sequencesUpTo, textEnvelope, textEnvelopes } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';
import { pause } from '../wait-for';

/** Probe messages use sequences far above the test's own, so the two never mix. */
const PROBE_BASE = 1_000_000;

export function describeBrokerFailureCases(suite: ConformanceSuite): void {
  const broker = (): NonNullable<ConformanceSuite['options']['broker']> => {
    const control = suite.options.broker;
    if (!control) throw new Error('broker control missing');
    return control;
  };

  describe('broker failures', () => {
    suite.test(
      'after the broker drops every connection, each message published once the subscription is back arrives exactly once',
      async (h) => {
        const messageClass = h.messageClass('Reconnect');
        const recorder = h.recorder();
        await h.subscribe(messageClass, recorder);
        const before = textEnvelopes(messageClass, 10);
        await h.publishInOrder(before);
        await h.waitForAll(recorder, before, 'the subscription before the drop');

        await broker().dropConnections();
        // Pub/sub loses what is published while the subscriber reconnects: probe until one
        // probe gets through, then the subscription is back.
        let probe = 0;
        await h.waitFor(() => {
          if (recorder.deliveries.some((delivery) => sequenceOf(delivery.envelope) >= PROBE_BASE)) return true;
          void h.transport.publish(textEnvelope(messageClass, PROBE_BASE + probe++)).catch(() => undefined);
          return false;
        }, 'a probe message to arrive after the broker dropped its connections');

        const after: Envelope[] = Array.from({ length: suite.options.messageCount }, (_, index) =>
          textEnvelope(messageClass, 10 + index),
        );
        await h.publishInOrder(after);
        await h.waitForAll(recorder, after, 'the subscription after the drop');
        await h.flush(messageClass, [recorder]);

        const own = recorder.sequences().filter((sequence) => sequence < PROBE_BASE);
        expect(own.sort((a, b) => a - b)).toEqual(sequencesUpTo(10 + after.length));
      },
      'broker',
    );

    suite.test(
      'messages published before, during and after a broker restart all arrive',
      async (h) => {
        const messageClass = h.messageClass('Restart');
        const recorder = h.recorder();
        await h.subscribe(messageClass, recorder);
        const sent = textEnvelopes(messageClass, 100);

        const publishing = (async () => {
          for (const envelope of sent) {
            await h.transport.publish(envelope);
            await pause(1);
          }
        })();
        await h.waitFor(() => recorder.deliveries.length >= 30, 'the first 30 messages before the restart');
        await broker().restart();
        await publishing;
        await h.waitForAll(recorder, sent, 'the subscription across the restart');

        // At-least-once: a publish retried across the restart may arrive twice, none may be missing.
        expect([...new Set(recorder.sequences())].sort((a, b) => a - b)).toEqual(sequencesUpTo(sent.length));
      },
      ['broker', 'durable'],
    );
  });
}
