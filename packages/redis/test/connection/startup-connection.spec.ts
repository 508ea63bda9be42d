import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message, MessageBus, Transport } from '@smart-message/nestjs';
import {
  InvalidRedisUrlError,
  RedisConnectionError,
  RedisConnectionOptions,
  RedisPubSubTransport,
  RedisStreamsTransport,
} from '@smart-message/redis';
import { uniquePrefix } from '../support/redis-keys';
import { freePort, TestRedisServer } from '../support/redis-server';

@Message({ name: 'StartupProbe', from: 'tests' })
class StartupProbe {
  @IsInt() seq!: number;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

type Create = (options: RedisConnectionOptions) => Transport & { health(timeoutMs: number): Promise<{ up: boolean }> };

const transports: [string, Create, string][] = [
  [
    'pub/sub',
    (options) => new RedisPubSubTransport({ prefix: uniquePrefix('startup'), logger: silent, ...options }),
    'connecting the publisher',
  ],
  [
    'Streams',
    (options) =>
      new RedisStreamsTransport({ prefix: uniquePrefix('startup'), logger: silent, blockMs: 100, ...options }),
    'connecting the command connection',
  ],
];

describe.each(transports)('%s transport startup', (_name, create, activity) => {
  const opened: Transport[] = [];

  const bus = (transport: Transport, withHandler = true): MessageBus => {
    const created = new MessageBus({ entity: 'startup', transports: { redis: transport } });
    if (withHandler) void created.subscribe(StartupProbe, () => undefined);
    opened.push(transport);
    return created;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((transport) => transport.close()));
  });

  it('fails within connectTimeoutMs naming host, port, ECONNREFUSED and what it was doing when nothing listens', async () => {
    const port = await freePort();
    const failure = await bus(create({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500 }))
      .start()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisConnectionError);
    expect(failure).toMatchObject({
      code: 'SM_REDIS_CONNECTION_FAILED',
      failure: 'refused',
      activity,
      endpoint: { host: '127.0.0.1', port },
    });
    expect((failure as Error).message).toContain(`127.0.0.1:${port}`);
    expect((failure as Error).message).toContain('ECONNREFUSED');
  });

  it('fails naming the host when it does not resolve, for a publisher-only bus too', async () => {
    const failure = await bus(create({ url: 'redis://no-such-host.invalid:6379', connectTimeoutMs: 3000 }), false)
      .start()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisConnectionError);
    expect(failure).toMatchObject({ failure: 'unknown-host', endpoint: { host: 'no-such-host.invalid', port: 6379 } });
    expect((failure as Error).message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('fails at once when Redis refuses the credentials', async () => {
    const failure = await bus(create({ url: 'redis://no-such-user:wrong@127.0.0.1:6379', connectTimeoutMs: 10_000 }))
      .start()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisConnectionError);
    expect(failure).toMatchObject({ failure: 'auth' });
    expect((failure as Error).message).toMatch(/WRONGPASS/);
  });

  it('refuses a database index the server does not have', async () => {
    const failure = await bus(create({ url: 'redis://127.0.0.1:6379/999', connectTimeoutMs: 10_000 }))
      .start()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisConnectionError);
    expect(failure).toMatchObject({ failure: 'unknown-database' });
    expect((failure as Error).message).toMatch(/DB index is out of range/);
  });

  it.each(['redis//typo', 'http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://127.0.0.1:6379/zero', 'redis://'])(
    'refuses the url %s before connecting',
    (url) => {
      let thrown: unknown;
      try {
        create({ url });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidRedisUrlError);
      expect(thrown).toMatchObject({ code: 'SM_REDIS_INVALID_URL', url });
    },
  );

  it('is healthy right after start, with no handler and with one', async () => {
    const publisherOnly = create({});
    await bus(publisherOnly, false).start();
    await expect(publisherOnly.health(1000)).resolves.toMatchObject({ up: true });

    const withHandler = create({});
    await bus(withHandler).start();
    await expect(withHandler.health(1000)).resolves.toMatchObject({ up: true });
  });
});

describe('pub/sub subscriber connection', () => {
  it('fails within connectTimeoutMs, naming the subscriber, instead of waiting forever', async () => {
    // The publisher connected at start; Redis is gone when the first handler subscribes.
    const server = await TestRedisServer.start();
    const transport = new RedisPubSubTransport({ url: server.url, connectTimeoutMs: 500, logger: silent });
    try {
      await transport.start();
      await server.kill();
      const failure = await transport
        .subscribe('StartupProbe', async () => undefined, { group: 'startup', concurrency: 1 })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RedisConnectionError);
      expect(failure).toMatchObject({ failure: 'refused', endpoint: { port: server.port } });
      expect((failure as RedisConnectionError).activity).toMatch(/^connecting the subscriber/);
    } finally {
      await transport.close();
      await server.stop();
    }
  });
});
