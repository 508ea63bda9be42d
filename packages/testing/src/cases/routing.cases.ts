import { describe, expect } from '@jest/globals';
import { textEnvelope } from '../conformance-envelopes';
import { ConformanceSuite } from '../conformance-suite';

export function describeRoutingCases(suite: ConformanceSuite): void {
  describe('routing by message class', () => {
    suite.test('does not deliver messages of another class, even one whose name extends it', async (h) => {
      const routedClass = h.messageClass('Routed');
      // A name the subscribed one is a prefix of: catches prefix or pattern subscriptions.
      const extendedClass = `${routedClass}Archived`;
      const routed = h.recorder();
      const extended = h.recorder();
      await h.subscribe(routedClass, routed);
      await h.subscribe(extendedClass, extended);
      const toExtended = textEnvelope(extendedClass, 0);
      const toRouted = textEnvelope(routedClass, 1);

      await h.publishInOrder([toExtended, toRouted]);
      await h.waitForAll(routed, [toRouted], `the ${routedClass} subscription`);
      await h.waitForAll(extended, [toExtended], `the ${extendedClass} subscription`);
      await h.flush(routedClass, [routed]);
      await h.flush(extendedClass, [extended]);

      expect(routed.deliveries.map((delivery) => delivery.envelope.header.uuid)).toEqual([toRouted.header.uuid]);
      expect(extended.deliveries.map((delivery) => delivery.envelope.header.uuid)).toEqual([toExtended.header.uuid]);
    });

    suite.test('publishing to a class nobody subscribes to resolves', async (h) => {
      const unheard = textEnvelope(h.messageClass('Unheard'), 0);

      await expect(h.transport.publish(unheard)).resolves.toBeUndefined();
    });
  });
}
