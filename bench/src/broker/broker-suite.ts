import { BrokerUrls } from '../harness/bench-options';
import { ContenderDefinition } from '../redis/contender';

/** One `brokerBenchmark`: its contenders and the brokers they need. */
export interface BrokerSuite {
  /** `pnpm bench <name>`, and its section's id in docs/benchmarks.md. */
  readonly name: string;
  readonly title: string;
  readonly contenders: readonly ContenderDefinition[];
  /** Messages per measured run without `--messages`. */
  readonly defaultMessages: number;
  /** Offered rate of the paced runs without `--rate`, msg/s (default 5000): below what every row sustains. */
  readonly defaultRate?: number;
  /** Shown under the general description of the method: what is particular to this suite. */
  readonly introduction?: string;
  /**
   * The servers `selected` (the contenders of this run) use and their versions, e.g. `Redis 7.0.15
   * on the same machine`; rejects with a hint when one does not answer.
   */
  servers(urls: BrokerUrls, selected: readonly ContenderDefinition[]): Promise<string>;
  /** Removes what `selected` created under `prefix` (keys, tables, queues). */
  cleanup(urls: BrokerUrls, prefix: string, selected: readonly ContenderDefinition[]): Promise<void>;
}
