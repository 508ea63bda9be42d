import { afterEach, beforeEach, describe, it } from '@jest/globals';
import { describeBrokerFailureCases } from './cases/broker-failure.cases';
import { describeCloseCases } from './cases/close.cases';
import { describeConcurrencyCases } from './cases/concurrency.cases';
import { describeDeliveryCases } from './cases/delivery.cases';
import { describeFanOutCases } from './cases/fan-out.cases';
import { describeHandlerFailureCases } from './cases/handler-failure.cases';
import { describeRoutingCases } from './cases/routing.cases';
import { describeUnsubscribeCases } from './cases/unsubscribe.cases';
import { describeVolumeCases } from './cases/volume.cases';
import { ConformanceHarness } from './conformance-harness';
import { ConformanceSuite } from './conformance-suite';
import { resolveConformanceOptions } from './resolved-conformance-options';
import { TransportConformanceOptions } from './transport-conformance-options';

/**
 * Registers the transport conformance tests (jest `describe`/`it`) for one transport. Call it at
 * the top level of the transport's own test file; every test gets a fresh transport from
 * `options.createTransport()` and closes it afterwards.
 */
export function describeTransportConformance(name: string, options: TransportConformanceOptions): void {
  const resolved = resolveConformanceOptions(options);

  describe(`${name} transport conformance`, () => {
    let harness: ConformanceHarness | undefined;

    beforeEach(async () => {
      harness = new ConformanceHarness(await resolved.createTransport(), resolved);
    }, resolved.testTimeoutMs);

    afterEach(async () => {
      const finished = harness;
      harness = undefined;
      await finished?.teardown();
    }, resolved.testTimeoutMs);

    const suite: ConformanceSuite = {
      options: resolved,
      test(title, body, requires) {
        const needed = requires === undefined ? [] : Array.isArray(requires) ? requires : [requires];
        const missing = needed.filter((feature) => !resolved.features[feature]);
        if (missing.length > 0) {
          it.skip(`${title} [needs ${missing.join(', ')}]`, () => undefined);
          return;
        }
        it(
          title,
          async () => {
            if (!harness) throw new Error('the transport was not created (see the beforeEach failure)');
            await body(harness);
          },
          resolved.testTimeoutMs,
        );
      },
    };

    describeDeliveryCases(suite);
    describeRoutingCases(suite);
    describeVolumeCases(suite);
    describeFanOutCases(suite);
    describeConcurrencyCases(suite);
    describeHandlerFailureCases(suite);
    describeUnsubscribeCases(suite);
    describeCloseCases(suite);
    describeBrokerFailureCases(suite);
  });
}
