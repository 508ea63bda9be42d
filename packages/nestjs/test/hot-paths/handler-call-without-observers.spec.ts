import { HandlerCall, MessageObserver } from '@smart-message/nestjs';
import { ResultMode, runHandlerScenario } from './support/handler-scenario';

/**
 * Shortcut: with no observer that wraps handler calls, the dispatcher calls the handler itself
 * (dispatcher/handler-calls.ts) instead of through the chain of `aroundHandler` observers and
 * its `async` innermost step. Its twin registers one observer that only passes the call through.
 */
describe('hot path: a handler call without aroundHandler observers', () => {
  it.each<ResultMode>(['sync', 'promise', 'thenable'])(
    'ends as it does inside a pass-through observer (handler results: %s)',
    async (mode) => {
      const wrapped: HandlerCall[] = [];
      const passThrough: MessageObserver = {
        aroundHandler: (call, run) => {
          wrapped.push(call);
          return run();
        },
      };

      const direct = await runHandlerScenario(mode);
      const observed = await runHandlerScenario(mode, { observers: [passThrough] });

      expect(wrapped.length).toBeGreaterThan(0); // the twin did take the general path
      expect(direct).toEqual(observed);
    },
  );
});
