import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  CircuitBreaker,
  CircuitBreakerRegistry,
  CircuitOpenError,
  Envelope,
  Message,
  MessageBus,
  MemoryTransport,
  SmartMessageModule,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ from: 'tests' })
class Call {
  @IsString() id!: string;
}

const call = (id: string): Call => Object.assign(new Call(), { id });

/** The dependency behind the handler: down until the test brings it back. */
class Dependency {
  up = false;
  calls = 0;

  use(): void {
    this.calls++;
    if (!this.up) throw new Error('dependency down');
  }
}

@Injectable()
class GuardedHandlers {
  readonly dependency = new Dependency();
  readonly handled: string[] = [];

  @Subscribe({ concurrency: 1 })
  @CircuitBreaker({ threshold: 3, halfOpenAfterMs: 150 })
  callDependency(message: Call): void {
    this.dependency.use();
    this.handled.push(message.id);
  }
}

describe('@CircuitBreaker on a message handler', () => {
  let app: INestApplication;
  let undeliverable: UndeliverableMessage[];

  beforeEach(async () => {
    undeliverable = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'tests',
          logger: false,
          onUndeliverable: (e) => void undeliverable.push(e),
        }),
      ],
      providers: [GuardedHandlers],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterEach(() => app.close());

  it('opens at the threshold, refuses while open without calling, lets one trial through half-open and closes on success', async () => {
    const handlers = app.get(GuardedHandlers);
    const bus = app.get(MessageBus);
    const breakers = app.get(CircuitBreakerRegistry);
    const circuit = 'GuardedHandlers.callDependency';

    for (const id of ['a', 'b', 'c']) await bus.publish(call(id));
    await waitFor(() => undeliverable.length === 3, 'three failures');
    expect(breakers.state(circuit)).toBe('open');
    expect(undeliverable.map((e) => e.reason)).toEqual(['handler-failed', 'handler-failed', 'handler-failed']);

    // Open: not attempted; on the memory transport the message goes to the dead letter queue.
    await bus.publish(call('d'));
    await waitFor(() => undeliverable.length === 4, 'the refused call');
    expect(handlers.dependency.calls).toBe(3);
    expect(undeliverable[3]).toMatchObject({ reason: 'circuit-open', error: { code: 'SM_CIRCUIT_OPEN' } });

    handlers.dependency.up = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await bus.publish(call('trial'));
    await waitFor(() => handlers.handled.includes('trial'), 'the half-open trial to succeed');
    expect(breakers.state(circuit)).toBe('closed');
    expect(breakers.statistics().find((s) => s.name === circuit)).toMatchObject({
      opened: 1,
      halfOpened: 1,
      closed: 1,
      rejected: 1,
    });

    await bus.publish(call('after'));
    await waitFor(() => handlers.handled.includes('after'), 'calls to flow again');
  });

  it('opens again when the half-open trial fails', async () => {
    const handlers = app.get(GuardedHandlers);
    const bus = app.get(MessageBus);
    for (const id of ['a', 'b', 'c']) await bus.publish(call(id));
    await waitFor(() => undeliverable.length === 3, 'three failures');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await bus.publish(call('trial'));
    await waitFor(() => undeliverable.length === 4, 'the failed trial');
    expect(app.get(CircuitBreakerRegistry).state('GuardedHandlers.callDependency')).toBe('open');
    expect(handlers.dependency.calls).toBe(4);
  });
});

/** A transport whose publishing fails while `down`: the dependency a publish breaker protects. */
class FlakyTransport extends MemoryTransport {
  down = true;
  attempts = 0;

  override async publish(envelope: Envelope): Promise<void> {
    this.attempts++;
    if (this.down) throw new Error('broker down');
    await super.publish(envelope);
  }
}

describe('the publish circuit breaker of a transport', () => {
  const open = async (fallback: 'fail' | 'dead-letter' | 'outbox') => {
    const transport = new FlakyTransport();
    const undeliverable: UndeliverableMessage[] = [];
    const bus = new MessageBus({
      entity: 'tests',
      transports: { flaky: transport },
      publishCircuitBreaker: { threshold: 2, halfOpenAfterMs: 100, fallback },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    const received: string[] = [];
    await bus.subscribe(Call, (m) => void received.push(m.id));
    await bus.start();
    for (const id of ['x', 'y']) await expect(bus.publish(call(id))).rejects.toThrow('broker down');
    return { bus, transport, undeliverable, received };
  };

  it('fails fast with CircuitOpenError while open', async () => {
    const { bus, transport } = await open('fail');
    await expect(bus.publish(call('z'))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(transport.attempts).toBe(2);
    await bus.shutdown(100);
  });

  it('dead-letters what is published while open, when told to', async () => {
    const { bus, undeliverable } = await open('dead-letter');
    const header = await bus.publish(call('z'));
    expect(undeliverable).toEqual([
      expect.objectContaining({ reason: 'circuit-open', envelope: expect.objectContaining({ header }) }),
    ]);
    await bus.shutdown(100);
  });

  it('keeps what is published while open in an outbox and sends it, in order, once the circuit closes', async () => {
    const { bus, transport, received } = await open('outbox');
    for (const id of ['1', '2', '3']) await bus.publish(call(id));
    expect(received).toEqual([]);
    transport.down = false;
    await waitFor(
      () => received.length === 3,
      () => `the outbox to drain (${received.join(',')})`,
    );
    expect(received).toEqual(['1', '2', '3']);
    expect(bus.circuitBreakers.state('publish:flaky')).toBe('closed');
    await bus.shutdown(100);
  });
});

/** A transport whose subscribing fails while `down`. */
class UnsubscribableTransport extends MemoryTransport {
  down = true;
  attempts = 0;

  override async subscribe(
    ...args: Parameters<MemoryTransport['subscribe']>
  ): ReturnType<MemoryTransport['subscribe']> {
    this.attempts++;
    if (this.down) throw new Error('cannot subscribe');
    return super.subscribe(...args);
  }
}

describe('the subscribe circuit breaker of a transport', () => {
  it('fails fast once open, and a later subscription goes through after the broker is back', async () => {
    const transport = new UnsubscribableTransport();
    const bus = new MessageBus({
      entity: 'tests',
      transports: { flaky: transport },
      subscribeCircuitBreaker: { threshold: 2, halfOpenAfterMs: 50 },
    });
    await bus.start();
    const received: string[] = [];
    for (let i = 0; i < 2; i++) await expect(bus.subscribe(Call, () => undefined)).rejects.toThrow('cannot subscribe');
    await expect(bus.subscribe(Call, () => undefined)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(transport.attempts).toBe(2);
    // Failed subscriptions leave no handler behind.
    expect(bus.routes()).toEqual([]);

    transport.down = false;
    await new Promise((resolve) => setTimeout(resolve, 80));
    await bus.subscribe(Call, (m) => void received.push(m.id));
    await bus.publish(call('after'));
    await waitFor(() => received.includes('after'), 'the message after the breaker closed');
    expect(bus.circuitBreakers.state('subscribe:flaky')).toBe('closed');
    await bus.shutdown(100);
  });
});
