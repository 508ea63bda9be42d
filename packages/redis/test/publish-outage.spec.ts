import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { PublishBufferFullError, RedisStreamsTransport, RedisUnavailableError } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { TestRedisServer } from './support/redis-server';

@Message({ name: 'OutageJob', from: 'tests' })
class OutageJob {
  @IsInt() seq!: number;
}

const job = (seq: number): OutageJob => Object.assign(new OutageJob(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('publishing while Redis is down', () => {
  let server: TestRedisServer;
  const buses: MessageBus[] = [];

  const bus = (options: { publishTimeoutMs?: number; maxBufferedPublishes?: number } = {}): MessageBus => {
    const created = new MessageBus({
      entity: 'outage',
      transports: { streams: new RedisStreamsTransport({ url: server.url, blockMs: 100, logger: silent, ...options }) },
    });
    buses.push(created);
    return created;
  };

  beforeEach(async () => {
    server = await TestRedisServer.start();
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.shutdown(500)));
    await server.stop();
  });

  it('waits for the reconnect and then sends, so nothing published during the outage is lost', async () => {
    const b = bus({ publishTimeoutMs: 20_000 });
    const seen: number[] = [];
    await b.subscribe(OutageJob, (m) => void seen.push(m.seq));
    await b.start();
    await b.publish(job(0));
    await waitFor(() => seen.length === 1, 'the first job');

    await server.kill();
    const during = [1, 2, 3].map((seq) => b.publish(job(seq)));
    await server.restart();
    await Promise.all(during);
    await waitFor(
      () => seen.length === 4,
      () => `4 jobs (${seen.length})`,
      { timeoutMs: 15_000 },
    );
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('fails with RedisUnavailableError once the wait passes publishTimeoutMs', async () => {
    const b = bus({ publishTimeoutMs: 200 });
    await b.publish(job(0));
    await server.kill();
    const failure = await b.publish(job(1)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect(failure).toMatchObject({ code: 'SM_REDIS_UNAVAILABLE', timeoutMs: 200 });
  });

  it('refuses at once with PublishBufferFullError when maxBufferedPublishes are already waiting', async () => {
    const b = bus({ publishTimeoutMs: 1000, maxBufferedPublishes: 2 });
    await b.publish(job(0));
    await server.kill();
    const waiting = [b.publish(job(1)), b.publish(job(2))].map((p) => p.catch((error: unknown) => error));
    const refused = await b.publish(job(3)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PublishBufferFullError);
    expect(refused).toMatchObject({ code: 'SM_PUBLISH_BUFFER_FULL', limit: 2 });
    for (const outcome of await Promise.all(waiting)) expect(outcome).toBeInstanceOf(RedisUnavailableError);
  });
});
