import { brokerBenchmark } from '../broker/broker-benchmark';
import { BrokerUrls } from '../harness/bench-options';
import { ContenderDefinition } from '../redis/contender';
import { RABBITMQ_ROWS } from './rabbitmq.rows';

/** One broker's rows of the `brokers` benchmark: its contenders (ours beside its raw client) and its server. */
export interface BrokerRows {
  readonly contenders: readonly ContenderDefinition[];
  /** e.g. `RabbitMQ 3.10.8`; rejects naming the `--<broker>-url` option when nothing answers. */
  server(urls: BrokerUrls): Promise<string>;
  /** Removes what its contenders declared under `prefix`. */
  cleanup(urls: BrokerUrls, prefix: string): Promise<void>;
}

/** Every broker of `pnpm bench brokers`, in table order. A new broker is one `*.rows.ts` and its line here. */
const BROKERS: readonly BrokerRows[] = [RABBITMQ_ROWS];

/** The brokers with a contender among `selected`: only their servers need to answer. */
function brokersOf(selected: readonly ContenderDefinition[]): BrokerRows[] {
  return BROKERS.filter((broker) => broker.contenders.some((contender) => selected.includes(contender)));
}

export const brokersBenchmark = brokerBenchmark({
  name: 'brokers',
  title: 'Brokers: each transport beside its raw client',
  contenders: BROKERS.flatMap((broker) => broker.contenders),
  defaultMessages: 20_000,
  // A durable broker on 2 shared cores confirms some thousands per second: the paced run stays well below that.
  defaultRate: 2000,
  servers: async (urls, selected) => {
    const servers: string[] = [];
    for (const broker of brokersOf(selected)) servers.push(await broker.server(urls));
    return `${servers.join(', ')} on the same machine`;
  },
  cleanup: async (urls, prefix, selected) => {
    for (const broker of brokersOf(selected)) await broker.cleanup(urls, prefix);
  },
});
