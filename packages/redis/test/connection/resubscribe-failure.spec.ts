import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { IsInt } from 'class-validator';
import { Message, MessageBus, MessageLogger } from '@smart-message/nestjs';
import { RedisPubSubTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { uniquePrefix } from '../support/redis-keys';

@Message({ name: 'ResubscribeProbe', from: 'tests' })
class ResubscribeProbe {
  @IsInt() seq!: number;
}

describe('pub/sub re-subscribing after a reconnect', () => {
  const admin = new Redis();
  const user = `sm-resubscribe-${randomUUID().slice(0, 8)}`;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  let bus: MessageBus | undefined;

  beforeAll(async () => {
    await admin.call('ACL', 'SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all');
    process.on('unhandledRejection', onUnhandled);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await bus?.shutdown(1000).catch(() => undefined);
    await admin.call('ACL', 'DELUSER', user);
    admin.disconnect();
  });

  // Redis 7 disconnects a subscriber whose channel permissions are revoked; the reconnect's SUBSCRIBE
  // is then refused (NOPERM). ioredis's own autoResubscribe left that rejection unhandled, which
  // ends a Node 20 process; the transport must say it in a warning and keep running.
  it('reports a SUBSCRIBE refused after a reconnect as a warning, never as an unhandled rejection', async () => {
    const warnings: string[] = [];
    const logger: MessageLogger = {
      log: () => undefined,
      warn: (message: string) => void warnings.push(message),
      error: () => undefined,
    };
    const received: number[] = [];
    bus = new MessageBus({
      entity: 'tests',
      transports: {
        redis: new RedisPubSubTransport({
          url: `redis://${user}:unused@127.0.0.1:6379`,
          prefix: uniquePrefix('resubscribe'),
          logger,
        }),
      },
    });
    await bus.subscribe(ResubscribeProbe, (probe) => void received.push(probe.seq));
    await bus.start();
    await bus.publish(Object.assign(new ResubscribeProbe(), { seq: 1 }));
    await waitFor(() => received.length === 1, 'the first probe');

    await admin.call('ACL', 'SETUSER', user, 'resetchannels');
    await waitFor(
      () => warnings.some((line) => /Re-subscribing 1 channel\(s\) after a reconnect failed: NOPERM/.test(line)),
      'the warning about the refused SUBSCRIBE',
    );
    // Give a stray rejection the turns it would need to surface.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).toEqual([]);
  });
});
