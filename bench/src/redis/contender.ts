import { BrokerUrls } from '../harness/bench-options';
import { BenchOrderPlaced } from './bench-order.message';

/** Called by a contender's handler as soon as it starts on a message. */
export type ReceiveListener = (seq: number, sentAt: number) => void;

/** Every contender has Redis; those of other brokers also get theirs (`postgresUrl`, `rabbitmqUrl`, …). */
export interface ContenderSettings extends Partial<BrokerUrls> {
  redisUrl: string;
  /** Every key, channel, schema and table the contender uses starts with this, so runs never meet. */
  prefix: string;
}

/** One way of getting a message from a publisher to a handler over a broker, in one process. */
export interface Contender {
  /** Connects, subscribes and makes `onReceived` the handler. */
  start(onReceived: ReceiveListener): Promise<void>;
  /** Publishes one message; settles when the broker has answered (confirmed it). */
  publish(order: BenchOrderPlaced): Promise<unknown>;
  stop(): Promise<void>;
}

/** A row of the results table: how to make the contender and what to compare it with. */
export interface ContenderDefinition {
  id: string;
  label: string;
  create(settings: ContenderSettings): Contender;
  /** Ratios the issue aims at: this contender's median throughput ÷ the baseline's. */
  aims?: { baseline: string; atLeast: number }[];
  /** More ratios to show beside the aims, with no target: this contender's median throughput ÷ each one's. */
  compareWith?: string[];
  /** Shown below the table: what this contender does exactly. */
  description: string;
}
