import { Redis } from 'ioredis';
import { BenchOrderPlaced, ReceivedOrder } from '../bench-order.message';
import { Contender, ContenderSettings, ReceiveListener } from '../contender';

/** PUBLISH and SUBSCRIBE by hand with ioredis: JSON.stringify out, JSON.parse in, nothing else. */
export class RawPubSubContender implements Contender {
  private readonly channel: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(settings: ContenderSettings, autoPipelining: boolean) {
    this.channel = `${settings.prefix}orders`;
    this.publisher = new Redis(settings.redisUrl, { enableAutoPipelining: autoPipelining, lazyConnect: true });
    this.subscriber = new Redis(settings.redisUrl, { lazyConnect: true });
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (_channel: string, text: string) => {
      const order = JSON.parse(text) as ReceivedOrder;
      onReceived(order.seq, order.sentAt);
    });
    await this.subscriber.subscribe(this.channel);
  }

  publish(order: BenchOrderPlaced): Promise<unknown> {
    return this.publisher.publish(this.channel, JSON.stringify(order));
  }

  async stop(): Promise<void> {
    await Promise.all([this.subscriber.quit(), this.publisher.quit()]);
  }
}
