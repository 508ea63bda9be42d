import { TestRedisCluster } from '../packages/redis/test/support/redis-cluster';
import { SERVICE_NAMES, ServiceName } from '../sample-app/src/services/service-name';
import { itRunsTheShopAcrossProcesses, ShopAcrossProcesses } from './support/shop-across-processes';

// A cluster of six nodes and four child processes start; on a loaded machine each takes several seconds.
jest.setTimeout(120_000);

/** What the spec reads of `GET /health`: each transport's kind, and the Streams consumers by `"<group> <stream>"`. */
interface HealthBody {
  details: {
    transports: {
      transports: Record<string, { kind: string; up: boolean; groups?: Record<string, { reading: boolean }> }>;
    };
  };
}

/** The sample's default prefix: the cluster is this spec's own, so nothing else shares its keys. */
const PREFIX = 'sample-shop:';

/** The classes each service's bus subscribed on the durable transport: a consumer group per service on each. */
const DURABLE_CLASSES: Record<ServiceName, string[]> = {
  orders: ['OrderShipped'],
  payments: ['PaymentRequested'],
  fulfillment: ['OrderPlaced'],
  notifications: ['CustomerNotice', 'OrderShipped'],
};

describe('sample app: each service in its own process over a Redis Cluster', () => {
  let cluster: TestRedisCluster | undefined;
  let shop: ShopAcrossProcesses | undefined;
  const started = (): ShopAcrossProcesses => {
    if (!shop) throw new Error('the shop did not start (see beforeAll)');
    return shop;
  };
  const startedCluster = (): TestRedisCluster => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    return cluster;
  };

  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
    shop = await ShopAcrossProcesses.start({
      SMART_MESSAGE_TRANSPORT: 'redis-cluster',
      SMART_MESSAGE_PREFIX: PREFIX,
      REDIS_CLUSTER_NODES: cluster.seeds.join(','),
    });
  });

  afterAll(async () => {
    await shop?.stop();
    await cluster?.stop();
  });

  itRunsTheShopAcrossProcesses(started);

  it('each stream key carries its class as hash tag, with the groups of its services, on the primary of its slot', async () => {
    const expected: Record<string, string[]> = {};
    for (const service of SERVICE_NAMES)
      for (const messageClass of DURABLE_CLASSES[service]) (expected[messageClass] ??= []).push(service);

    const found: Record<string, string[]> = {};
    for (const messageClass of Object.keys(expected)) {
      const key = `${PREFIX}{${messageClass}}`;
      const primary = await startedCluster().primaryOf(key);
      const groups = (await startedCluster().onNode(primary, (node) =>
        node.call('XINFO', 'GROUPS', key),
      )) as unknown[][];
      // XINFO GROUPS answers each group as a flat list of field, value: its name follows "name".
      found[messageClass] = groups.map((fields) => String(fields[fields.indexOf('name') + 1])).sort();
      // An untagged key would hash by its whole name: the transport wrote none.
      const untagged = `${PREFIX}${messageClass}`;
      const untaggedPrimary = await startedCluster().primaryOf(untagged);
      expect(await startedCluster().onNode(untaggedPrimary, (node) => node.exists(untagged))).toBe(0);
    }

    expect(found).toEqual(
      Object.fromEntries(Object.entries(expected).map(([name, services]) => [name, services.sort()])),
    );
  });

  it('every process reports its Streams consumer per tagged stream, reading, and its pub/sub transport in GET /health', async () => {
    for (const child of started().processes) {
      const response = await child.getResponse<HealthBody>('/health');
      const { durable, broadcast } = response.body.details.transports.transports;
      const service = child.name as ServiceName;

      expect({
        process: child.name,
        status: response.status,
        durable: durable.kind,
        broadcast: broadcast.kind,
      }).toEqual({ process: child.name, status: 200, durable: 'redis-streams', broadcast: 'redis-pubsub' });
      // In cluster mode a group has one consumer (and reader connection) per stream: "<group> <stream>".
      expect(durable.groups).toEqual(
        Object.fromEntries(
          DURABLE_CLASSES[service].map((messageClass) => [
            `${service} ${PREFIX}{${messageClass}}`,
            expect.objectContaining({ reading: true }),
          ]),
        ),
      );
    }
  });
});
