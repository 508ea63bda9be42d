import { GatedConnection, ReconnectGate, ReconnectGateOptions } from '@smart-message/nestjs/transport-kit';

class UnavailableError extends Error {
  constructor(
    readonly timeoutMs: number,
    options?: { cause: unknown },
  ) {
    super(`not back within ${timeoutMs} ms`, options);
  }
}

class FullError extends Error {
  constructor(readonly maxWaiting: number) {
    super(`${maxWaiting} already wait`);
  }
}

/** A connection the test drops and brings back; commands sent while it is down fail as a dropped socket does. */
class FakeConnection implements GatedConnection {
  ready = true;
  connectCalls = 0;
  private listeners: (() => void)[] = [];

  isReady(): boolean {
    return this.ready;
  }

  onceReady(listener: () => void): void {
    this.listeners.push(listener);
  }

  connectIfIdle(): void {
    this.connectCalls++;
  }

  isConnectionError(error: unknown): boolean {
    return error instanceof Error && error.message === 'connection dropped';
  }

  drop(): void {
    this.ready = false;
  }

  back(): void {
    this.ready = true;
    const listeners = this.listeners.splice(0);
    for (const listener of listeners) listener();
  }

  listening(): number {
    return this.listeners.length;
  }

  send<T>(reply: T): Promise<T> {
    return this.ready ? Promise.resolve(reply) : Promise.reject(new Error('connection dropped'));
  }
}

const bounds = (overrides: Partial<ReconnectGateOptions> = {}): ReconnectGateOptions => ({
  timeoutMs: 1000,
  maxWaiting: 10,
  unavailable: (timeoutMs, options) => new UnavailableError(timeoutMs, options),
  full: (maxWaiting) => new FullError(maxWaiting),
  ...overrides,
});

const after = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ReconnectGate', () => {
  it('sends at once on a ready connection', async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds());
    await expect(gate.run(() => connection.send('OK'))).resolves.toBe('OK');
    expect(connection.connectCalls).toBe(0);
  });

  it('waits for the reconnect, asks an idle connection to connect, and then sends', async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds());
    connection.drop();
    const sent = gate.run(() => connection.send('OK'));
    await after(20);
    expect(connection.connectCalls).toBe(1);
    connection.back();
    await expect(sent).resolves.toBe('OK');
  });

  it('shares one ready listener between every waiting call', async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds());
    connection.drop();
    const sent = Array.from({ length: 5 }, (_, index) => gate.run(() => connection.send(index)));
    await after(10);
    expect(connection.listening()).toBe(1);
    connection.back();
    await expect(Promise.all(sent)).resolves.toEqual([0, 1, 2, 3, 4]);
  });

  it('retries a command the connection dropped under, until it is back', async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds());
    let tries = 0;
    const sent = gate.run(() => {
      tries++;
      // Dropped under the first two tries while the connection still looked ready.
      return tries <= 2 ? Promise.reject(new Error('connection dropped')) : connection.send('OK');
    });
    await expect(sent).resolves.toBe('OK');
    expect(tries).toBe(3);
  });

  it("passes on at once the broker's refusal on a healthy connection", async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds());
    let tries = 0;
    const refused = gate.run(() => {
      tries++;
      return Promise.reject(new Error('WRONGTYPE'));
    });
    await expect(refused).rejects.toThrow('WRONGTYPE');
    expect(tries).toBe(1);
  });

  it("fails with the transport's unavailable error when the connection is not back in time", async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds({ timeoutMs: 100 }));
    connection.drop();
    const started = Date.now();
    const failure = await gate.run(() => connection.send('OK')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect(failure).toMatchObject({ timeoutMs: 100 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('keeps the last failure as the cause when a command kept meeting a dropped connection', async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds({ timeoutMs: 60 }));
    const dropped = new Error('connection dropped');
    const failure = await gate.run(() => Promise.reject(dropped)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect((failure as Error).cause).toBe(dropped);
  });

  it("refuses at once, with the transport's error, the call past maxWaiting", async () => {
    const connection = new FakeConnection();
    const gate = new ReconnectGate(connection, bounds({ maxWaiting: 2 }));
    connection.drop();
    const waiting = [gate.run(() => connection.send(1)), gate.run(() => connection.send(2))];
    const refused = await gate.run(() => connection.send(3)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FullError);
    expect(refused).toMatchObject({ maxWaiting: 2 });
    connection.back();
    await expect(Promise.all(waiting)).resolves.toEqual([1, 2]);
  });
});
