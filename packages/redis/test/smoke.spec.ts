import 'reflect-metadata';
import { IsString } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';

@Message({ name: `SmokeRedis_${process.pid}_${Date.now()}`, from: 'smoke' })
class SmokeMessage {
  @IsString() text!: string;
}

describe.each([
  ['pubsub', () => new RedisPubSubTransport({ prefix: 'smoke:' })],
  ['streams', () => new RedisStreamsTransport({ prefix: 'smoke:', blockMs: 200 })],
])('%s smoke', (_name, create) => {
  it('delivers through the bus', async () => {
    const bus = new MessageBus({ entity: 'smoke-svc', transports: { redis: create() } });
    const seen: string[] = [];
    await bus.subscribe(SmokeMessage, (m) => {
      seen.push(m.text);
    });
    await bus.start();
    for (let i = 0; i < 50; i++) await bus.publish(Object.assign(new SmokeMessage(), { text: `t${i}` }));
    const deadline = Date.now() + 5000;
    while (seen.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seen.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`).sort());
    await bus.shutdown();
  });
});
