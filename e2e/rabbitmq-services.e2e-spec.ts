import { randomBytes } from 'node:crypto';
import ensureRabbitMq from '../packages/rabbitmq/test/support/ensure-rabbitmq';
import { TEST_RABBITMQ_URL, withChannel } from '../packages/rabbitmq/test/support/test-broker';
import { deleteKeys } from '../packages/redis/test/support/redis-keys';
import { OrderConfirmation } from '../sample-app/src/orders/order-confirmation.interface';
import { SERVICE_NAMES, ServiceName } from '../sample-app/src/services/service-name';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { SampleServiceProcess } from './support/sample-service-process';
import {
  ACROSS_PROCESSES,
  affordableOrder,
  itRunsTheShopAcrossProcesses,
  ShopAcrossProcesses,
} from './support/shop-across-processes';

// Four child processes start in parallel; on a loaded machine each takes several seconds.
jest.setTimeout(120_000);

/** What the spec reads of `GET /health`: each transport's kind, and the RabbitMQ subscriptions' queues. */
interface HealthBody {
  status: string;
  details: {
    transports: {
      status: string;
      transports: Record<
        string,
        { kind: string; up: boolean; subscriptions?: { queue: string; consuming: boolean }[] }
      >;
    };
  };
}

/** The queues each service's bus subscribed on the durable transport: `<exchange>.<entity>.<class>`. */
const DURABLE_CLASSES: Record<ServiceName, string[]> = {
  orders: ['OrderShipped'],
  payments: ['PaymentRequested'],
  fulfillment: ['OrderPlaced'],
  notifications: ['CustomerNotice', 'OrderShipped'],
};

/** The value of one Prometheus sample line (`name{labels} value`), 0 when the series is not there yet. */
function sampleValue(exposition: string, series: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('sample app: each service in its own process over RabbitMQ', () => {
  // The exchange of this run; Redis (dead letters) gets the same name with ":".
  const exchange = `smtest-sample-${randomBytes(4).toString('hex')}`;
  const prefix = `${exchange}:`;
  const env = { SMART_MESSAGE_TRANSPORT: 'rabbitmq', SMART_MESSAGE_PREFIX: prefix, RABBITMQ_URL: TEST_RABBITMQ_URL };
  /** Every queue a process of this run declared, read from its health, for the cleanup. */
  const queues = new Set<string>();
  let shop: ShopAcrossProcesses | undefined;
  const started = (): ShopAcrossProcesses => {
    if (!shop) throw new Error('the shop did not start (see beforeAll)');
    return shop;
  };

  const healthOf = async (child: SampleServiceProcess): Promise<HealthBody> =>
    (await child.getResponse<HealthBody>('/health')).body;

  beforeAll(async () => {
    await ensureRabbitMq();
    shop = await ShopAcrossProcesses.start(env);
    for (const child of shop.processes)
      for (const { queue } of (await healthOf(child)).details.transports.transports.durable.subscriptions ?? [])
        queues.add(queue);
  });

  afterAll(async () => {
    await shop?.stop();
    await withChannel(async (channel) => {
      for (const queue of queues) {
        await channel.deleteQueue(queue);
        await channel.deleteQueue(`${queue}.dead-letters`);
      }
      await channel.deleteExchange(exchange);
      await channel.deleteExchange(`${exchange}.dead-letters`);
    });
    await deleteKeys(prefix, process.env.REDIS_URL);
  });

  itRunsTheShopAcrossProcesses(started);

  it('every process reports its RabbitMQ queues, consumed, and its broadcast queues in GET /health', async () => {
    for (const child of started().processes) {
      const response = await child.getResponse<HealthBody>('/health');
      const { durable, broadcast } = response.body.details.transports.transports;
      const service = child.name as ServiceName;

      expect({
        process: child.name,
        status: response.status,
        durable: durable.kind,
        broadcast: broadcast.kind,
      }).toEqual({ process: child.name, status: 200, durable: 'rabbitmq', broadcast: 'rabbitmq-broadcast' });
      expect(durable.subscriptions?.map(({ queue, consuming }) => ({ queue, consuming }))).toEqual(
        expect.arrayContaining(
          DURABLE_CLASSES[service].map((messageClass) => ({
            queue: `${exchange}.${service}.${messageClass}`,
            consuming: true,
          })),
        ),
      );
      expect(durable.subscriptions).toHaveLength(DURABLE_CLASSES[service].length);
    }
    // The broker's side: one consumer on each queue, the process of its service.
    await withChannel(async (channel) => {
      for (const service of SERVICE_NAMES)
        for (const messageClass of DURABLE_CLASSES[service])
          expect(await channel.checkQueue(`${exchange}.${service}.${messageClass}`)).toMatchObject({
            consumerCount: 1,
          });
    });
  });

  it('a payment request crosses the RabbitMQ exchange encrypted: a queue of the test bound to it never sees the e-mail', async () => {
    const { orders, notifications } = started();
    const seenSince = await started().markActivity();
    const canary = `canary-${Date.now()}@example.com`;

    const frame = await withChannel(async (channel) => {
      // An exclusive queue of this connection, gone with it, bound beside payments' own queue.
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, 'PaymentRequested');
      const { body } = await orders.post<OrderConfirmation>('/orders', { ...affordableOrder, customerEmail: canary });
      expect(body.payment).toEqual({ approved: true });
      // Let the order ship and its notices arrive here, so they do not land in a later test's window.
      await eventually(async () => {
        expect(await orders.get(`/orders/${body.orderId}`)).toEqual({ orderId: body.orderId, status: 'shipped' });
        expect(await seenSince(notifications)).toHaveLength(4);
      }, ACROSS_PROCESSES);
      const message = await channel.get(queue, { noAck: true });
      if (message === false) throw new Error('the PaymentRequested never reached the exchange');
      return { content: message.content.toString('utf8'), headers: JSON.stringify(message.properties.headers ?? {}) };
    });

    expect(`${frame.headers}\n${frame.content}`).toContain('json+a256gcm');
    expect(`${frame.headers}\n${frame.content}`).not.toContain(canary);
  });

  it('GET /metrics counts the payment request on the durable transport in the sending and the receiving process', async () => {
    const { orders, payments } = started();
    const published =
      'smart_message_published_total{message_type="PaymentRequested",transport="durable",outcome="sent"}';
    const received = 'smart_message_received_total{message_type="PaymentRequested",transport="durable"}';
    const publishedBefore = sampleValue(await orders.text('/metrics'), published);
    const receivedBefore = sampleValue(await payments.text('/metrics'), received);

    const { body } = await orders.post<OrderConfirmation>('/orders', { ...affordableOrder, sku: 'MUG-02' });

    expect(body.payment).toEqual({ approved: true });
    expect(sampleValue(await orders.text('/metrics'), published)).toBe(publishedBefore + 1);
    expect(sampleValue(await payments.text('/metrics'), received)).toBe(receivedBefore + 1);
    // Let the order ship and its notices arrive, so nothing of it is still in flight at the next test.
    await eventually(async () => {
      expect(await orders.get(`/orders/${body.orderId}`)).toEqual({ orderId: body.orderId, status: 'shipped' });
    }, ACROSS_PROCESSES);
  });

  it('a process whose RabbitMQ does not answer refuses to start, naming the host, the cause and the fix', async () => {
    const closedPort = await freePort();
    const child = new SampleServiceProcess('payments (no broker)', await freePort(), {
      ...env,
      RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${closedPort}`,
      SERVICES: 'payments',
      LOG_LEVEL: 'warn',
    });
    try {
      const failure = await child.ready().then(
        () => new Error('it started'),
        (error: Error) => error,
      );
      expect(failure.message).toContain('exited before it was ready');
      expect(failure.message).toContain('SM_RABBITMQ_CONNECTION_FAILED');
      expect(failure.message).toContain(`Could not connect to RabbitMQ at 127.0.0.1:${closedPort}`);
      expect(failure.message).toContain('nothing listens there: start RabbitMQ');
    } finally {
      await child.stop();
    }
  });
});
