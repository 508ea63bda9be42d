import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { IsString } from 'class-validator';
import { MemoryDeadLetterStore, MemoryTransport, Message, Subscribe } from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { bootHealthApp, HealthApp, statusOf } from './support/boot-health-app';

@Message({ name: 'HealthProbeJob', from: 'tests' })
class HealthProbeJob {
  @IsString() id!: string;
}

/** Fails jobs whose id starts with `fail`, and holds jobs whose id starts with `hold` until released. */
@Injectable()
class JobWorker {
  readonly started: string[] = [];
  private releaseHeld: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.releaseHeld = resolve));

  @Subscribe()
  async onJob(job: HealthProbeJob): Promise<void> {
    this.started.push(job.id);
    if (job.id.startsWith('fail')) throw new Error(`job ${job.id} failed`);
    if (job.id.startsWith('hold')) await this.held;
  }

  release(): void {
    this.releaseHeld();
  }
}

describe('SmartMessageHealthIndicator (memory transport)', () => {
  let running: HealthApp | undefined;

  const boot = async (): Promise<HealthApp> => {
    running = await bootHealthApp(
      { transports: { memory: new MemoryTransport() }, deadLetters: { store: new MemoryDeadLetterStore() } },
      [JobWorker],
    );
    return running;
  };

  afterEach(async () => {
    running?.app.get(JobWorker).release();
    await running?.app.close();
    running = undefined;
  });

  it('reports every transport up with its details in terminus format', async () => {
    const { health } = await boot();

    const result = await health.transports('messaging');

    expect(result).toEqual({
      messaging: {
        status: 'up',
        transports: { memory: { kind: 'memory', up: true, closed: false, messageClasses: 1 } },
      },
    });
  });

  it('is down while a circuit breaker is open and names it', async () => {
    const { bus, health } = await boot();
    await expect(
      bus.circuitBreakers.execute('payments', { threshold: 1, halfOpenAfterMs: 60_000 }, () =>
        Promise.reject(new Error('payment provider down')),
      ),
    ).rejects.toThrow('payment provider down');

    const result = await health.circuitBreakers('breakers');

    expect(result).toEqual({ breakers: { status: 'down', circuits: { payments: 'open' }, open: ['payments'] } });
  });

  it('is up while every circuit is closed', async () => {
    const { bus, health } = await boot();
    await bus.circuitBreakers.execute('payments', { threshold: 1, halfOpenAfterMs: 60_000 }, async () => undefined);

    expect(await health.circuitBreakers('breakers')).toEqual({
      breakers: { status: 'up', circuits: { payments: 'closed' } },
    });
  });

  it('goes down once the dead letter queue holds more entries than its threshold', async () => {
    const { bus, health } = await boot();
    await bus.publish(Object.assign(new HealthProbeJob(), { id: 'fail-1' }));
    await waitFor(
      async () => (await health.deadLetters('deadLetters', { maxEntries: 1 })).deadLetters.entries === 1,
      'the first dead letter',
    );

    expect(await health.deadLetters('deadLetters', { maxEntries: 1 })).toMatchObject({
      deadLetters: { status: 'up', entries: 1, maxEntries: 1 },
    });
    await bus.publish(Object.assign(new HealthProbeJob(), { id: 'fail-2' }));
    await waitFor(
      async () => statusOf(await health.deadLetters('deadLetters', { maxEntries: 1 }), 'deadLetters') === 'down',
      'the dead letter check to go down',
    );

    expect(await health.deadLetters('deadLetters', { maxEntries: 1 })).toMatchObject({
      deadLetters: { status: 'down', entries: 2, maxEntries: 1, byReason: { 'handler-failed': 2 } },
    });
  });

  it('reports the handler calls in flight against the limit', async () => {
    const { app, bus, health } = await boot();
    const worker = app.get(JobWorker);
    await bus.publish(Object.assign(new HealthProbeJob(), { id: 'hold-1' }));
    await bus.publish(Object.assign(new HealthProbeJob(), { id: 'hold-2' }));
    await waitFor(() => worker.started.length === 2, 'both jobs to start');

    expect(await health.inFlight('inFlight', { max: 1 })).toEqual({
      inFlight: { status: 'down', inFlight: 2, max: 1 },
    });
    expect(await health.inFlight('inFlight', { max: 2 })).toEqual({ inFlight: { status: 'up', inFlight: 2, max: 2 } });

    worker.release();
    await waitFor(
      async () => statusOf(await health.inFlight('inFlight', { max: 0 }), 'inFlight') === 'up',
      'no calls in flight',
    );
  });

  it('is not ready from the moment shutdown begins draining', async () => {
    const { app, bus, readiness } = await boot();
    const worker = app.get(JobWorker);
    expect(await readiness.ready('ready')).toEqual({ ready: { status: 'up', state: 'open' } });
    await bus.publish(Object.assign(new HealthProbeJob(), { id: 'hold-1' }));
    await waitFor(() => worker.started.length === 1, 'the job to start');

    const closing = app.close();
    await waitFor(async () => statusOf(await readiness.ready('ready'), 'ready') === 'down', 'readiness to go down');
    expect(await readiness.ready('ready')).toEqual({ ready: { status: 'down', state: 'draining' } });

    worker.release();
    await closing;
    running = undefined;
    expect(await readiness.ready('ready')).toEqual({ ready: { status: 'down', state: 'closed' } });
  });
});
