import { ContenderDefinition } from '../redis/contender';

/** Where the contenders' brokers are: the command line's URLs. */
export interface BrokerUrls {
  redisUrl: string;
  postgresUrl: string;
}

/** One `brokerBenchmark`: its contenders and the brokers they need. */
export interface BrokerSuite {
  /** `pnpm bench <name>`, and its section's id in docs/benchmarks.md. */
  readonly name: string;
  readonly title: string;
  readonly contenders: readonly ContenderDefinition[];
  /** Messages per measured run without `--messages`. */
  readonly defaultMessages: number;
  /** Shown under the general description of the method: what is particular to this suite. */
  readonly introduction?: string;
  /** The servers used and their versions, e.g. `Redis 7.0.15 on the same machine`; rejects with a hint when one does not answer. */
  servers(urls: BrokerUrls): Promise<string>;
  /** Removes what contenders created under `prefix` (keys, tables). */
  cleanup(urls: BrokerUrls, prefix: string): Promise<void>;
}
