import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { IsInt, IsString } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  MessageBusOptions,
  MessageContext,
  NonRetryableError,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { described, Outcome, UuidNames } from './outcome';

@Message({ name: 'HotPathPing', from: 'hot-paths' })
export class HotPathPing {
  @IsString() kind!: string;
  @IsInt() seq!: number;
}

@Message({ name: 'HotPathPong', from: 'hot-paths' })
export class HotPathPong {
  @IsString() text!: string;
}

@Message({ name: 'HotPathFollowUp', from: 'hot-paths' })
export class HotPathFollowUp {
  @IsString() note!: string;
}

/** What a handler does with a ping; each is answered once synchronously and once through a promise. */
export const HANDLER_KINDS = [
  'nothing',
  'plain-value',
  'reply',
  'publish-follow-up',
  'throw',
  'throw-string',
  'throw-non-retryable',
] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

/**
 * `sync`: the handler returns (or throws) at once. `promise`: it returns a promise of the same
 * result (or a rejected one). `thenable`: a non-Promise thenable, which must count as a promise.
 */
export type ResultMode = 'sync' | 'promise' | 'thenable';

/** Request ids carried by the publisher's AsyncLocalStorage, as an HTTP request's would be. */
export const request = new AsyncLocalStorage<string>();

const pong = (text: string): HotPathPong => Object.assign(new HotPathPong(), { text });

function behave(kind: HandlerKind, ping: HotPathPing, bus: MessageBus): unknown {
  switch (kind) {
    case 'nothing':
      return undefined;
    case 'plain-value':
      return 42;
    case 'reply':
      return pong(`pong ${ping.seq}`);
    case 'publish-follow-up':
      void bus.publish(Object.assign(new HotPathFollowUp(), { note: `after ${ping.seq}` }));
      return undefined;
    case 'throw':
      throw new Error(`failed on ${ping.seq}`);
    case 'throw-string':
      throw `a string thrown on ${ping.seq}`;
    case 'throw-non-retryable':
      throw new NonRetryableError(`gave up on ${ping.seq}`);
  }
}

function answer(mode: ResultMode, run: () => unknown): unknown {
  if (mode === 'sync') return run();
  let settled: { value: unknown } | { error: unknown };
  try {
    settled = { value: run() };
  } catch (error) {
    settled = { error };
  }
  if (mode === 'promise') return 'value' in settled ? Promise.resolve(settled.value) : Promise.reject(settled.error);
  return {
    then(onValue: (value: unknown) => unknown, onError: (error: unknown) => unknown) {
      return 'value' in settled ? onValue(settled.value) : onError(settled.error);
    },
  };
}

/**
 * Publishes one ping of every kind (each from its own request context) to one handler of
 * concurrency 1 on a `MessageBus` built with `extra`, and records what a user sees: each
 * handler call (message, context, async context before and after the result settles), each
 * reply and follow-up that was published, each failure reported, and the handler's counters.
 */
export async function runHandlerScenario(mode: ResultMode, extra: Partial<MessageBusOptions> = {}): Promise<Outcome> {
  const names = new UuidNames();
  const calls: unknown[] = [];
  const published: unknown[] = [];
  const undeliverable: UndeliverableMessage[] = [];
  const bus = new MessageBus({
    entity: 'hot-paths',
    transports: { memory: new MemoryTransport() },
    onUndeliverable: (event) => void undeliverable.push(event),
    ...extra,
  });
  try {
    await bus.subscribe(
      HotPathPing,
      (ping, context: MessageContext) => {
        calls.push({
          message: described(ping),
          context: { attempt: context.attempt, handlerId: context.handlerId, transport: context.transport },
          header: names.header(context.header),
          request: request.getStore(),
        });
        return answer(mode, () => behave(ping.kind as HandlerKind, ping, bus));
      },
      { concurrency: 1 },
    );
    const record = (message: object, context: MessageContext): void => {
      // A reply's own uuid is left out: which of two replies is published first is not promised.
      const { uuid, ...header } = names.header(context.header);
      void uuid;
      published.push({ message: described(message), header, request: request.getStore() });
    };
    await bus.subscribe(HotPathPong, record);
    await bus.subscribe(HotPathFollowUp, record);
    await bus.start();

    for (const [seq, kind] of HANDLER_KINDS.entries()) {
      const ping = Object.assign(new HotPathPing(), { kind, seq });
      // The pings are named in publishing order, whatever order the rest arrives in.
      names.name((await request.run(`request ${seq}`, () => bus.publish(ping))).uuid);
    }
    const replies = HANDLER_KINDS.filter((kind) => kind === 'reply' || kind === 'publish-follow-up').length;
    const failures = HANDLER_KINDS.filter((kind) => kind.startsWith('throw')).length;
    await waitFor(
      () => calls.length === HANDLER_KINDS.length && published.length === replies && undeliverable.length === failures,
      () => `${calls.length} calls, ${published.length} replies, ${undeliverable.length} failures`,
    );
    await bus.idle();
    const counters = bus.statistics.forHandler('HotPathPing.subscriber_1');
    return {
      events: [
        ...calls.map((call) => ({ call })),
        // Replies and reports are compared as sets: which comes first between two handler calls is not promised.
        ...sortedByJson(published.map((reply) => ({ published: reply }))),
        ...sortedByJson(undeliverable.map((event) => ({ undeliverable: names.undeliverable(event) }))),
        {
          counters: {
            delivered: counters?.delivered,
            succeeded: counters?.succeeded,
            failed: counters?.failed,
            rejected: counters?.rejected,
          },
        },
      ],
    };
  } finally {
    await bus.shutdown();
  }
}

function sortedByJson<T>(items: T[]): T[] {
  return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
