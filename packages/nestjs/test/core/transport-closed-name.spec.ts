import 'reflect-metadata';
import { IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus, TransportClosedError } from '@smart-message/nestjs';

@Message({ transport: 'audit' })
class AuditRecorded {
  @IsString() action = 'login';
}

@Message({ transport: 'orders' })
class OrderShipped {
  @IsString() orderId = 'o-1';
}

// Two transports of one kind: only the configured name says which one was closed.
describe('TransportClosedError through the bus', () => {
  let orders: MemoryTransport;
  let audit: MemoryTransport;
  let bus: MessageBus;

  beforeEach(async () => {
    orders = new MemoryTransport();
    audit = new MemoryTransport();
    bus = new MessageBus({ entity: 'audit-service', transports: { orders, audit } });
    await bus.start();
  });

  afterEach(() => bus.shutdown());

  const closedError = async (attempt: Promise<unknown>): Promise<TransportClosedError> => {
    const error: unknown = await attempt.then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(TransportClosedError);
    return error as TransportClosedError;
  };

  it('names the configured transport on publish, with the transport’s own error as cause', async () => {
    await audit.close();

    const error = await closedError(bus.publish(new AuditRecorded()));

    expect(error.transportName).toBe('audit');
    expect(error.message).toBe('Transport "audit" is closed');
    expect(error.code).toBe('SM_TRANSPORT_CLOSED');
    expect(error.cause).toBeInstanceOf(TransportClosedError);
    expect((error.cause as TransportClosedError).transportName).toBe(audit.kind);
    // The other transport of the same kind still works.
    await expect(bus.publish(new OrderShipped())).resolves.toMatchObject({ messageClass: 'OrderShipped' });
  });

  it('names it on publish with an observer, the path that passes through observers and the breaker', async () => {
    const observed = new MessageBus({
      entity: 'audit-service',
      transports: { orders, audit },
      observers: [{ afterPublish: () => undefined }],
    });
    await observed.start();
    await audit.close();

    const error = await closedError(observed.publish(new AuditRecorded()));

    expect(error.transportName).toBe('audit');
    await observed.shutdown();
  });

  it('names it when a handler added after start subscribes to a closed transport', async () => {
    await audit.close();

    const error = await closedError(bus.addHandler({ id: 'audit-log', type: AuditRecorded, invoke: () => undefined }));

    expect(error.transportName).toBe('audit');
  });

  it('leaves a direct call on the transport naming its kind', async () => {
    await audit.close();

    const error = await closedError(audit.publish({ header: {} as never, payload: '{}' }));

    expect(error.transportName).toBe(audit.kind);
    expect(error.cause).toBeUndefined();
  });
});
