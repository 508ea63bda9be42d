import { BenchOrder, OrderType } from '../shared/bench-order';

/** Called by every contender's handler as the last thing it does with a message. */
export type HandledListener = (seq: number) => void;

/** One way of getting a message from a publisher to a handler in the same process. */
export interface InProcessContender {
  /** The class of the orders it sends. */
  readonly orderType: OrderType;
  /** Builds the app (if any) and makes `onHandled` the end of its handler. */
  start(onHandled: HandledListener): Promise<void>;
  /**
   * Sends one order. Returns the API's promise where it has one (our bus), undefined where
   * the API is synchronous; a failure rejects or throws.
   */
  publish(order: BenchOrder): Promise<unknown> | undefined;
  stop(): Promise<void>;
}

/** The two rows every family of contenders has: with and without class-validator at both ends. */
export type ValidationMode = 'on' | 'off';

/** A row of the results: what it is and how to make it. */
export interface ContenderDefinition {
  id: string;
  /** Rows of one family (ours, a peer, the floor) share it; the table and chart are by family. */
  family: ContenderFamily;
  validation: ValidationMode;
  label: string;
  /** Shown below the tables: what it does per message, publish side and receive side. */
  description: string;
  /** Loads its module only in the worker that runs it, so no contender's process carries another's code. */
  create(): Promise<InProcessContender>;
}

export type ContenderFamily = 'smart-message' | 'event-emitter' | 'cqrs' | 'floor';
