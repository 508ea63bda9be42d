import { Redis } from 'ioredis';
import { BenchOrderPlaced, ReceivedOrder } from '../bench-order.message';
import { Contender, ContenderSettings, ReceiveListener } from '../contender';

const GROUP = 'bench';
const CONSUMER = 'bench-1';
const BATCH = 100;
const BLOCK_MS = 2000;
/** The same approximate bound our Streams transport puts on a stream by default. */
const MAX_LEN = 100_000;

type StreamReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * A hand-written Streams loop: XADD (MAXLEN ~) to publish; one consumer reading XREADGROUP
 * COUNT 100 BLOCK 2000, handling the batch, and acknowledging it with one XACK it does not wait for.
 */
export class RawStreamsContender implements Contender {
  private readonly stream: string;
  private readonly commands: Redis;
  private readonly reader: Redis;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(settings: ContenderSettings) {
    this.stream = `${settings.prefix}orders`;
    this.commands = new Redis(settings.redisUrl, { lazyConnect: true });
    this.reader = new Redis(settings.redisUrl, { lazyConnect: true });
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    await Promise.all([this.commands.connect(), this.reader.connect()]);
    await this.commands.xgroup('CREATE', this.stream, GROUP, '$', 'MKSTREAM');
    this.running = true;
    this.loop = this.read(onReceived);
  }

  publish(order: BenchOrderPlaced): Promise<unknown> {
    return this.commands.xadd(this.stream, 'MAXLEN', '~', MAX_LEN, '*', 'frame', JSON.stringify(order));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.reader.disconnect();
    await this.loop;
    await this.commands.quit();
  }

  private async read(onReceived: ReceiveListener): Promise<void> {
    while (this.running) {
      let reply: StreamReply;
      try {
        reply = (await this.reader.xreadgroup(
          'GROUP',
          GROUP,
          CONSUMER,
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          this.stream,
          '>',
        )) as StreamReply;
      } catch (error) {
        if (!this.running) return;
        throw error;
      }
      for (const [, entries] of reply ?? []) {
        const ids: string[] = [];
        for (const [id, fields] of entries) {
          const order = JSON.parse(fields[1]!) as ReceivedOrder;
          onReceived(order.seq, order.sentAt);
          ids.push(id);
        }
        if (ids.length > 0) this.commands.xack(this.stream, GROUP, ...ids).catch(() => undefined);
      }
    }
  }
}
