import { MessagePolicy } from '@smart-message/nestjs';
import { ResultMode, runHandlerScenario } from './support/handler-scenario';

/**
 * Not a shortcut but the absence of a step: a handler without a `MessagePolicy` has no `policy`
 * on its definition, and the dispatcher skips authorization on that one check. Its twin gives
 * every handler a policy that allows, and must end exactly the same.
 */
describe('hot path: a handler call without an authorization policy', () => {
  it.each<ResultMode>(['sync', 'promise', 'thenable'])(
    'ends as it does under a policy that allows everything (handler results: %s)',
    async (mode) => {
      const asked: string[] = [];
      const allowing: MessagePolicy = ({ handlerId }) => {
        asked.push(handlerId);
        return true;
      };

      const unpoliced = await runHandlerScenario(mode);
      const policed = await runHandlerScenario(mode, { authorization: { default: allowing } });

      expect(asked).toContain('HotPathPing.subscriber_1'); // the twin did take the policy step
      expect(unpoliced).toEqual(policed);
    },
  );
});
