import { InFlightLimit } from '@smart-message/nestjs/transport-kit';

class WaitingFullError extends Error {
  constructor(readonly max: number) {
    super(`${max} already wait`);
  }
}

/** An operation the test finishes when it wants to. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InFlightLimit', () => {
  it('runs at most `limit` operations at once and starts the waiting ones in arrival order', async () => {
    const limit = new InFlightLimit(2);
    const started: number[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const runs = gates.map((each, index) =>
      limit.run(async () => {
        started.push(index);
        await each.promise;
        return index;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.open();
    gates[3]!.open();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(limit.highestRunning).toBe(2);
  });

  it('frees the slot of an operation that fails, and passes its error on', async () => {
    const limit = new InFlightLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(limit.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('refuses at once, with the error it is given, the caller past `waiting.max`', async () => {
    const limit = new InFlightLimit(1, { max: 2, refuse: (max) => new WaitingFullError(max) });
    const running = gate();
    const first = limit.run(() => running.promise);
    const waiting = [limit.run(() => Promise.resolve()), limit.run(() => Promise.resolve())];
    const refused = await limit.run(() => Promise.resolve()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WaitingFullError);
    expect(refused).toMatchObject({ max: 2 });
    running.open();
    await expect(Promise.all([first, ...waiting])).resolves.toHaveLength(3);
  });

  it('without a waiting bound lets any number wait', async () => {
    const limit = new InFlightLimit(1);
    const running = gate();
    const first = limit.run(() => running.promise);
    const waiting = Array.from({ length: 1000 }, () => limit.run(() => Promise.resolve()));
    running.open();
    await expect(Promise.all([first, ...waiting])).resolves.toHaveLength(1001);
    expect(limit.highestRunning).toBe(1);
  });
});
