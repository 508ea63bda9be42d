/**
 * The timer functions and clock as they were when the harness loaded, before a test installs
 * jest's fake timers: the harness's own waits (`waitFor`, `expectNone`, `run`) keep real time,
 * so a test may fake the bus's timers (retry backoff, injected delays) and advance them while it
 * awaits `run()`. With `fakeTimers.enableGlobally` in the jest config they are fake too.
 */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout.bind(globalThis);
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout.bind(globalThis);
export const realNow: () => number = Date.now.bind(Date);

export function realPause(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}
