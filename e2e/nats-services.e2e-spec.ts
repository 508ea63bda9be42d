import { randomBytes } from 'node:crypto';
import ensureNats from '../packages/nats/test/support/ensure-nats';
import { TEST_NATS_URL, withManager } from '../packages/nats/test/support/test-streams';
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

/** What the spec reads of `GET /health`: each transport's kind, and the JetStream subscriptions' consumers. */
interface HealthBody {
  status: string;
  details: {
    transports: {
      status: string;
      transports: Record<
        string,
        {
          kind: string;
          up: boolean;
          subscriptions?: { stream: string; consumer: string; consuming: boolean }[];
        }
      >;
    };
  };
}

/** The classes each service's bus subscribed on the durable transport: a durable consumer `<service>__<class>` each. */
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

describe('sample app: each service in its own process over NATS', () => {
  // The subject prefix of this run (streams start with its upper case); Redis (dead letters) gets it with ":".
  const subjectPrefix = `smtest-sample-${randomBytes(4).toString('hex')}`;
  const streamPrefix = `${subjectPrefix.toUpperCase()}_`;
  const prefix = `${subjectPrefix}:`;
  const env = { SMART_MESSAGE_TRANSPORT: 'nats', SMART_MESSAGE_PREFIX: prefix, NATS_URL: TEST_NATS_URL };
  let shop: ShopAcrossProcesses | undefined;
  const started = (): ShopAcrossProcesses => {
    if (!shop) throw new Error('the shop did not start (see beforeAll)');
    return shop;
  };

  /** The durable consumers on the server, by stream, of every stream of this run. */
  const consumersOnServer = (): Promise<Record<string, string[]>> =>
    withManager(TEST_NATS_URL, async (jsm) => {
      const found: Record<string, string[]> = {};
      for await (const stream of jsm.streams.list()) {
        if (!stream.config.name.startsWith(streamPrefix)) continue;
        const names: string[] = [];
        for await (const consumer of jsm.consumers.list(stream.config.name)) names.push(consumer.name);
        found[stream.config.name] = names.sort();
      }
      return found;
    });

  beforeAll(async () => {
    await ensureNats();
    shop = await ShopAcrossProcesses.start(env);
  });

  afterAll(async () => {
    await shop?.stop();
    // Deleting a stream deletes its consumers with it; the dead letter stream has the same prefix.
    await withManager(TEST_NATS_URL, async (jsm) => {
      for await (const stream of jsm.streams.list())
        if (stream.config.name.startsWith(streamPrefix)) await jsm.streams.delete(stream.config.name);
    });
    await deleteKeys(prefix, process.env.REDIS_URL);
  });

  itRunsTheShopAcrossProcesses(started);

  it('every process reports its JetStream consumers, pulling, and its core NATS transport in GET /health', async () => {
    for (const child of started().processes) {
      const response = await child.getResponse<HealthBody>('/health');
      const { durable, broadcast } = response.body.details.transports.transports;
      const service = child.name as ServiceName;

      expect({
        process: child.name,
        status: response.status,
        durable: durable.kind,
        broadcast: broadcast.kind,
      }).toEqual({ process: child.name, status: 200, durable: 'nats-jetstream', broadcast: 'nats' });
      expect(
        durable.subscriptions?.map(({ stream, consumer, consuming }) => ({ stream, consumer, consuming })),
      ).toEqual(
        expect.arrayContaining(
          DURABLE_CLASSES[service].map((messageClass) => ({
            stream: `${streamPrefix}${messageClass}`,
            consumer: `${service}__${messageClass}`,
            consuming: true,
          })),
        ),
      );
      expect(durable.subscriptions).toHaveLength(DURABLE_CLASSES[service].length);
    }
  });

  it('the server holds one durable consumer per service and class on each class stream, and no other', async () => {
    const expected: Record<string, string[]> = {};
    for (const service of SERVICE_NAMES)
      for (const messageClass of DURABLE_CLASSES[service])
        (expected[`${streamPrefix}${messageClass}`] ??= []).push(`${service}__${messageClass}`);
    for (const names of Object.values(expected)) names.sort();

    const found = await consumersOnServer();

    // Streams of classes only published (none subscribed durably yet) hold no consumer; the dead letter stream neither.
    expect(Object.fromEntries(Object.entries(found).filter(([, names]) => names.length > 0))).toEqual(expected);
  });

  it('a payment request is stored in its JetStream stream encrypted: the frame on the server never holds the e-mail', async () => {
    const { orders, notifications } = started();
    const seenSince = await started().markActivity();
    const canary = `canary-${Date.now()}@example.com`;

    const { body } = await orders.post<OrderConfirmation>('/orders', { ...affordableOrder, customerEmail: canary });
    expect(body.payment).toEqual({ approved: true });
    // Let the order ship and its notices arrive here, so they do not land in a later test's window.
    await eventually(async () => {
      expect(await orders.get(`/orders/${body.orderId}`)).toEqual({ orderId: body.orderId, status: 'shipped' });
      expect(await seenSince(notifications)).toHaveLength(4);
    }, ACROSS_PROCESSES);

    // Limits retention keeps an acknowledged message, so the last one on the subject is this request.
    const stored = await withManager(TEST_NATS_URL, (jsm) =>
      jsm.streams.getMessage(`${streamPrefix}PaymentRequested`, {
        last_by_subj: `${subjectPrefix}.PaymentRequested`,
      }),
    );
    if (!stored) throw new Error('the PaymentRequested is not in its stream');
    const headers = JSON.stringify(
      Object.fromEntries([...stored.header.keys()].map((k) => [k, stored.header.values(k)])),
    );
    const frame = `${headers}\n${Buffer.from(stored.data).toString('utf8')}`;

    expect(frame).toContain('json+a256gcm');
    expect(frame).not.toContain(canary);
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

  it('a process whose NATS does not answer refuses to start, naming the host, the cause and the fix', async () => {
    const closedPort = await freePort();
    const child = new SampleServiceProcess('payments (no broker)', await freePort(), {
      ...env,
      NATS_URL: `nats://127.0.0.1:${closedPort}`,
      SERVICES: 'payments',
      LOG_LEVEL: 'warn',
    });
    try {
      const failure = await child.ready().then(
        () => new Error('it started'),
        (error: Error) => error,
      );
      expect(failure.message).toContain('exited before it was ready');
      expect(failure.message).toContain('SM_NATS_CONNECTION_FAILED');
      expect(failure.message).toContain(`Could not connect to NATS at 127.0.0.1:${closedPort}`);
      expect(failure.message).toContain('nothing listens there: start nats-server');
    } finally {
      await child.stop();
    }
  });
});
