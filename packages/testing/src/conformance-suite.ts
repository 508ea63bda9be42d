import { ConformanceHarness } from './conformance-harness';
import { ResolvedConformanceOptions } from './resolved-conformance-options';
import { TransportConformanceFeatures } from './transport-conformance-options';

/** What case files register their tests through. */
export interface ConformanceSuite {
  readonly options: ResolvedConformanceOptions;
  /**
   * Registers a test that runs against a fresh transport (closed after it). With `requires`,
   * the test is registered as skipped when the transport does not promise that feature.
   */
  test(
    title: string,
    body: (harness: ConformanceHarness) => Promise<void>,
    requires?: keyof TransportConformanceFeatures | 'broker' | ('durable' | 'broker')[],
  ): void;
}
