import { Cluster } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Envelope, JsonSerializer, MessageHeader } from '@smart-message/nestjs';
import {
  RedisClusterConfigError,
  RedisClusterConnectionError,
  RedisStreamsTransport,
  StreamClassNameError,
} from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { sharedClusterSeeds } from '../support/redis-cluster-global';

jest.setTimeout(60_000);

const json = new JsonSerializer();
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

export function envelopeOf(messageClass: string, sequence: number): Envelope {
  const header: MessageHeader = {
    uuid: randomBytes(16).toString('hex'),
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: process.pid,
    from: 'cluster-tests',
    serializer: 'json',
  };
  return { header, payload: json.encode({ sequence }) };
}

const sequenceOf = (envelope: Envelope): number =>
  (json.decode(envelope.payload as Buffer) as { sequence: number }).sequence;

/** A logger that keeps every line, to assert what was (not) said. */
function recordingLogger(): {
  lines: string[];
  log: (m: string) => void;
  warn: (m: string, c?: unknown) => void;
  error: (m: string, c?: unknown) => void;
} {
  const lines: string[] = [];
  const keep = (message: string, context?: unknown): void =>
    void lines.push(`${message} ${JSON.stringify(context ?? {})}`);
  return { lines, log: keep, warn: keep, error: keep };
}

describe('Redis Streams on a Redis Cluster', () => {
  const seeds = sharedClusterSeeds();
  const admin = new Cluster(seeds);
  const transports: RedisStreamsTransport[] = [];
  const prefix = `test-cluster-${randomBytes(4).toString('hex')}:`;
  const make = (
    options: Partial<ConstructorParameters<typeof RedisStreamsTransport>[0]> = {},
  ): RedisStreamsTransport => {
    const transport = new RedisStreamsTransport({
      ...(options.client ? {} : { cluster: { nodes: seeds } }),
      prefix,
      blockMs: 200,
      logger: silent,
      ...options,
    });
    transports.push(transport);
    return transport;
  };
  const unique = (label: string): string => `${label}_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    // Commands sent while a Cluster still learns its slots can fail with "Connection is closed".
    if (admin.status !== 'ready') await new Promise((resolve) => admin.once('ready', resolve));
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
  });

  afterAll(async () => {
    // Only this file's keys: every stream key starts with its prefix.
    for (const node of admin.nodes('master')) {
      const keys = await node.keys(`${prefix}*`);
      for (const key of keys) await admin.del(key);
    }
    admin.disconnect();
  });

  it('tags each stream with its message type, so a stream and its dead letter stream share a slot', async () => {
    const transport = make();
    expect(transport.streamOf('OrderPlaced')).toBe(`${prefix}{OrderPlaced}`);
    expect(transport.deadLetterStreamOf('OrderPlaced')).toBe(`${prefix}{OrderPlaced}:dead-letters`);
    const [streamSlot, deadLetterSlot] = await Promise.all([
      admin.cluster('KEYSLOT', transport.streamOf('OrderPlaced')),
      admin.cluster('KEYSLOT', transport.deadLetterStreamOf('OrderPlaced')),
    ]);
    expect(streamSlot).toBe(deadLetterSlot);
    expect(() => transport.streamOf('Order{x}')).toThrow(StreamClassNameError);
  });

  it('refuses a tag in the prefix, which would put every stream on one shard', () => {
    expect(() => make({ prefix: '{sm}:' })).toThrow(RedisClusterConfigError);
  });

  it('refuses url and cluster together, no seed node, and a seed that is not host:port', () => {
    expect(() => new RedisStreamsTransport({ url: 'redis://127.0.0.1:6379', cluster: { nodes: seeds } })).toThrow(
      RedisClusterConfigError,
    );
    expect(() => new RedisStreamsTransport({ cluster: { nodes: [] } })).toThrow(/names no seed node/);
    expect(() => new RedisStreamsTransport({ cluster: { nodes: ['127.0.0.1'] } })).toThrow(/is not host:port/);
    try {
      new RedisStreamsTransport({ url: 'redis://127.0.0.1:6379', cluster: { nodes: seeds } });
    } catch (error) {
      expect((error as RedisClusterConfigError).code).toBe('SM_REDIS_CLUSTER_CONFIG');
    }
  });

  it('fails fast at startup when no seed node answers, naming the nodes, the cause and the fix', async () => {
    const transport = new RedisStreamsTransport({
      cluster: { nodes: ['127.0.0.1:1', '127.0.0.1:2'] },
      connectTimeoutMs: 500,
      // ioredis waits disconnectTimeout (2 s) for a refused node socket's 'close' that never comes;
      // a short one lets jest see every handle closed when the file ends.
      redisOptions: { disconnectTimeout: 50 },
      logger: silent,
    });
    transports.push(transport);
    const failure = await transport.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RedisClusterConnectionError);
    expect((failure as RedisClusterConnectionError).code).toBe('SM_REDIS_CLUSTER_CONNECTION_FAILED');
    expect((failure as Error).message).toContain('127.0.0.1:1, 127.0.0.1:2');
    expect((failure as Error).message).toContain('ECONNREFUSED');
    expect((failure as Error).message).toContain('cluster.nodes');
  });

  it('reads several classes spread over the shards of one group without CROSSSLOT', async () => {
    const logger = recordingLogger();
    const transport = make({ logger });
    const classes = Array.from({ length: 8 }, (_, index) => unique(`Spread${index}`));
    const slots = await Promise.all(classes.map((name) => admin.cluster('KEYSLOT', transport.streamOf(name))));
    // The classes hash to different slots, so one multi-stream XREADGROUP would be CROSSSLOT.
    expect(new Set(slots).size).toBeGreaterThan(1);
    const received = new Map<string, number[]>();
    for (const name of classes) {
      received.set(name, []);
      await transport.subscribe(name, async (envelope) => void received.get(name)?.push(sequenceOf(envelope)), {
        group: 'spread',
        concurrency: 2,
      });
    }
    for (let sequence = 0; sequence < 5; sequence++)
      await Promise.all(classes.map((name) => transport.publish(envelopeOf(name, sequence))));
    await waitFor(() => [...received.values()].every((seen) => seen.length === 5), 'every class delivered');
    for (const seen of received.values()) expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(logger.lines.filter((line) => /CROSSSLOT/.test(line))).toEqual([]);
    const health = await transport.health(2000);
    expect(health.up).toBe(true);
  });

  it('does not hold a publish to the same node behind a reader blocked with a long BLOCK', async () => {
    // blockMs far above the test timeout: only an own reader connection lets the publish through.
    const reader = make({ blockMs: 600_000 });
    const publisher = make();
    const blocked = unique('Blocked');
    const delivered: number[] = [];
    await reader.subscribe(blocked, async (envelope) => void delivered.push(sequenceOf(envelope)), {
      group: 'blocked',
      concurrency: 1,
    });
    const port = Number(String(await primaryAddressOf(admin, reader.streamOf(blocked))).split(':')[1]);
    const nodeOf = admin.nodes('master').find((node) => node.options.port === port);
    const blockedReaders = async (): Promise<number> =>
      String(await nodeOf!.client('LIST'))
        .split('\n')
        .filter((line) => / cmd=xreadgroup/.test(line) && / flags=b/.test(line)).length;
    await waitFor(async () => (await blockedReaders()) > 0, 'the reader blocked in XREADGROUP');
    // Another class whose stream lives on the same primary, published by the reader's own transport.
    const sameNode = await classOnPort(admin, reader, port, unique('SameNode'));
    await reader.publish(envelopeOf(sameNode, 1));
    await publisher.publish(envelopeOf(sameNode, 2));
    expect(await blockedReaders()).toBeGreaterThan(0);
    // The reader is still there: a message of its own stream ends its block and is delivered.
    await publisher.publish(envelopeOf(blocked, 7));
    await waitFor(() => delivered.length === 1, 'the blocked reader delivered');
    expect(delivered).toEqual([7]);
    // close unblocks the read on its node (CLIENT UNBLOCK) instead of waiting 600 s.
    await reader.close();
  });

  it('sets a garbage entry aside in the dead-letter stream of its slot and keeps consuming', async () => {
    const transport = make();
    const name = unique('Hostile');
    const delivered: number[] = [];
    const rejected: string[] = [];
    await transport.subscribe(name, async (envelope) => void delivered.push(sequenceOf(envelope)), {
      group: 'hostile',
      concurrency: 1,
      onReject: (rejection) => void rejected.push(rejection.reason),
    });
    await admin.xadd(transport.streamOf(name), '*', 'frame', 'not a frame at all');
    await transport.publish(envelopeOf(name, 3));
    await waitFor(() => delivered.length === 1 && rejected.length === 1, 'the valid entry and the rejection');
    expect(delivered).toEqual([3]);
    expect(rejected).toEqual(['undecodable']);
    const deadLetters = await admin.xrange(transport.deadLetterStreamOf(name), '-', '+');
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0][1]).toContain('undecodable');
  });

  it('shares an application Cluster client for commands and duplicates it for its reader', async () => {
    const transport = make({ client: admin });
    const name = unique('Shared');
    const delivered: number[] = [];
    await transport.subscribe(name, async (envelope) => void delivered.push(sequenceOf(envelope)), {
      group: 'shared',
      concurrency: 1,
    });
    await transport.publish(envelopeOf(name, 5));
    await waitFor(() => delivered.length === 1, 'a delivery over the shared client');
    await transport.close();
    // The transport never closes a client it was given.
    expect(admin.status).toBe('ready');
  });

  it('warns about persistence per primary, naming each node', async () => {
    const transport = make();
    await transport.subscribe(unique('Health'), async () => undefined, { group: 'health', concurrency: 1 });
    const health = await transport.health(2000);
    expect(health.up).toBe(true);
    const warnings = health.details.warnings as string[];
    const masters = admin.nodes('master').map((node) => `${node.options.host}:${node.options.port}`);
    for (const master of masters) expect(warnings.some((warning) => warning.startsWith(`${master}: `))).toBe(true);
  });
});

async function primaryAddressOf(admin: Cluster, key: string): Promise<string> {
  const slot = Number(await admin.cluster('KEYSLOT', key));
  const owner = admin.slots[slot]?.[0];
  if (!owner) throw new Error(`no owner known for slot ${slot}`);
  return owner;
}

/** A message class name, starting with `base`, whose stream lives on the primary at `port`. */
async function classOnPort(
  admin: Cluster,
  transport: RedisStreamsTransport,
  port: number,
  base: string,
): Promise<string> {
  for (let index = 0; index < 10_000; index++) {
    const name = `${base}${index}`;
    if ((await primaryAddressOf(admin, transport.streamOf(name))).endsWith(`:${port}`)) return name;
  }
  throw new Error(`no class name of ${base} hashes to the primary on ${port}`);
}
