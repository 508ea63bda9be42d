import { runHandlerScenario } from './support/handler-scenario';

/**
 * Shortcut: a handler that returns (or throws) synchronously costs the dispatcher no promise
 * (dispatcher/handler-calls.ts) and its reply is sent without waiting a turn
 * (bus/handler-registrar.ts). Its twin is the same handler answering through a promise, and
 * through a thenable that is not a Promise.
 */
describe('hot path: a handler that returns synchronously', () => {
  it('ends as the same handler answering through a promise', async () => {
    expect(await runHandlerScenario('sync')).toEqual(await runHandlerScenario('promise'));
  });

  it('ends as the same handler answering through a thenable that is not a Promise', async () => {
    expect(await runHandlerScenario('sync')).toEqual(await runHandlerScenario('thenable'));
  });

  it('records what a user expects of each result (so that the twins cannot agree on a wrong outcome)', async () => {
    const { events } = await runHandlerScenario('sync');
    expect(events).toEqual(
      expect.arrayContaining([
        {
          call: expect.objectContaining({
            message: { class: 'HotPathPing', kind: 'nothing', seq: 0 },
            context: { attempt: 1, handlerId: 'HotPathPing.subscriber_1', transport: 'memory' },
            request: 'request 0',
          }),
        },
        {
          published: {
            message: { class: 'HotPathPong', text: 'pong 2' },
            header: expect.objectContaining({ correlationId: '#3', causationId: '#3', to: 'hot-paths' }),
            request: 'request 2',
          },
        },
        {
          published: {
            message: { class: 'HotPathFollowUp', note: 'after 3' },
            header: expect.objectContaining({ correlationId: '#4', causationId: '#4' }),
            request: 'request 3',
          },
        },
        {
          undeliverable: expect.objectContaining({
            reason: 'handler-failed',
            error: { name: 'NonRetryableError', message: 'gave up on 6', code: 'SM_NON_RETRYABLE' },
          }),
        },
        {
          undeliverable: expect.objectContaining({
            error: { name: 'Error', message: 'a string thrown on 5', code: undefined },
          }),
        },
        { counters: { delivered: 7, succeeded: 4, failed: 3, rejected: 0 } },
      ]),
    );
  });
});
