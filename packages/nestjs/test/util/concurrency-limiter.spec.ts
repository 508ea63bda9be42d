import { createHook } from 'node:async_hooks';
import { ConcurrencyLimiter } from '../../src/util/concurrency-limiter';

// Context managers that key a map by async id (some OpenTelemetry ones) drop an entry on destroy:
// a queued task's resource must end whether the task ran or was dropped at shutdown.
describe('ConcurrencyLimiter: the async resource of a queued task', () => {
  const alive = new Set<number>();
  const hook = createHook({
    init: (asyncId, type) => void (type === 'SmartMessageQueuedTask' && alive.add(asyncId)),
    destroy: (asyncId) => void alive.delete(asyncId),
  });
  beforeAll(() => hook.enable());
  afterAll(() => hook.disable());
  beforeEach(() => alive.clear());

  // Node runs destroy hooks on a later turn than emitDestroy().
  const destroyHooksRan = async (): Promise<void> => {
    for (let turn = 0; turn < 100 && alive.size > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
  };

  const blocker = (): { task: () => Promise<void>; release: () => void } => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    return { task: () => gate, release };
  };

  it('ends once the task ran', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const first = blocker();
    void limiter.schedule(first.task);
    const queued = [limiter.schedule(async () => undefined), limiter.schedule(async () => undefined)];
    limiter.run(async () => undefined);
    expect(alive.size).toBe(3);

    first.release();
    await Promise.all(queued);
    await limiter.idle();
    await destroyHooksRan();

    expect(alive.size).toBe(0);
  });

  it('ends when the task is dropped unstarted', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const first = blocker();
    void limiter.schedule(first.task);
    const queued = limiter.schedule(async () => undefined);
    expect(alive.size).toBe(1);

    expect(limiter.drop()).toBe(1);
    await queued;
    await destroyHooksRan();

    expect(alive.size).toBe(0);
    first.release();
    await limiter.idle();
  });
});
