import type { MessageType } from '@smart-message/nestjs';
import type { HarnessEventKind } from '../harness/captured-message';
import type { HarnessSession } from '../harness/harness-session';
import type { MessageMatch } from '../harness/message-match';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function listMatcher(kind: HarnessEventKind, verb: string) {
  return function (
    this: { isNot?: boolean },
    received: unknown,
    type: MessageType,
    match?: MessageMatch<object>,
  ): MatcherResult {
    if (!(received instanceof Object) || !(kind in received)) {
      throw new TypeError(
        `expect(…).toHave${verb}() needs a SmartMessageHarness or a run's session, got ${String(received)}`,
      );
    }
    const list = (received as HarnessSession)[kind];
    const count = list.count(type, match);
    return {
      pass: count > 0,
      message: () => (this.isNot ? list.explain(`${count}`, type, match, 'no') : list.explain('none', type, match)),
    };
  };
}

/**
 * Jest matchers over a `SmartMessageHarness` or a `harness.run()` session:
 * `expect.extend(smartMessageMatchers)` once (e.g. in a setup file), then
 * `expect(harness).toHavePublished(OrderPlaced, { orderId })`. A failure lists what was captured.
 */
export const smartMessageMatchers = {
  toHavePublished: listMatcher('published', 'Published'),
  toHaveReceived: listMatcher('received', 'Received'),
  toHaveHandled: listMatcher('handled', 'Handled'),
  toHaveFailed: listMatcher('failed', 'Failed'),
  toHaveRetried: listMatcher('retried', 'Retried'),
  toHaveDeadLettered: listMatcher('deadLettered', 'DeadLettered'),
  toHaveReplied: listMatcher('replied', 'Replied'),
};

/** The matchers' signatures, merged into jest's `Matchers` below. */
export interface SmartMessageMatchers<R> {
  toHavePublished<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
  toHaveReceived<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
  toHaveHandled<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
  toHaveFailed<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
  toHaveRetried<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
  toHaveDeadLettered<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
  toHaveReplied<T extends object>(type: MessageType<T>, match?: MessageMatch<T>): R;
}

declare module 'expect' {
  // `@jest/globals`' expect.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> extends SmartMessageMatchers<R> {}
}
