import { Redis } from 'ioredis';
import { DeadLetterStore, MemoryDeadLetterStore, MemoryTransport, Transport } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';
import { RedisDeadLetterStore, RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * One transport the matrix runs on. Each case gets its own place on it: the sender publishes
 * where no receiver listens (its frames are captured there, as a sniffer would see them), and
 * the test injects the edited frame where the receiver listens, as an attacker with write
 * access to the broker would.
 */
export interface MatrixWire {
  readonly name: string;
  /** Whether the wire hands messages out again (consumer groups): its default freshness window is off. */
  readonly redelivers: boolean;
  /** Starts a case: from here on the wire's captures and keys are the case's own. */
  open(caseId: string): Promise<void>;
  /** The transport of the case's sending bus, or of its receiving bus. */
  transport(role: 'sender' | 'receiver'): Transport;
  /** The frames of a class the sender put on the wire, as text. */
  captured(messageClass: string): Promise<string[]>;
  /** Writes a frame where the receiver reads it. */
  inject(messageClass: string, frame: string): Promise<void>;
  /** Where the receiver's dead letters go. */
  deadLetters(): DeadLetterStore;
  /** Entries the receiver took and did not acknowledge (Streams); 0 where nothing is kept. */
  pending(messageClass: string): Promise<number>;
  /** Every byte of the case the broker carried or holds: frames, streams, dead letters. */
  everything(): Promise<string>;
  /**
   * Starts recording every command the broker executes, from every client (Redis MONITOR), for
   * the wire-canary cases; `monitored` returns them as text. Memory has no broker: undefined.
   */
  monitor(): Promise<void>;
  monitored(): Promise<string | undefined>;
  /** Ends a case. */
  close(): Promise<void>;
  /** Ends the run. */
  dispose(): Promise<void>;
}

/** The memory transport, with every frame going through the real CloudEvents codec both ways. */
export class MemoryWire implements MatrixWire {
  readonly name = 'memory';
  readonly redelivers = false;
  private readonly codec = new CloudEventsFrameCodec();
  private sender = new MemoryTransport({ retain: 20 });
  private receiver = new MemoryTransport();
  private store = new MemoryDeadLetterStore();
  private readonly frames: string[] = [];

  open(): Promise<void> {
    this.sender = new MemoryTransport({ retain: 20 });
    this.receiver = new MemoryTransport();
    this.store = new MemoryDeadLetterStore();
    this.frames.length = 0;
    return Promise.resolve();
  }

  transport(role: 'sender' | 'receiver'): Transport {
    return role === 'sender' ? this.sender : this.receiver;
  }

  captured(messageClass: string): Promise<string[]> {
    const frames = this.sender
      .published()
      .filter((envelope) => envelope.header.messageClass === messageClass)
      .map((envelope) => this.codec.encode(envelope));
    this.frames.push(...frames);
    return Promise.resolve(frames);
  }

  inject(_messageClass: string, frame: string): Promise<void> {
    this.frames.push(frame);
    return this.receiver.publish(this.codec.decode(frame));
  }

  deadLetters(): DeadLetterStore {
    return this.store;
  }

  pending(): Promise<number> {
    return Promise.resolve(0);
  }

  everything(): Promise<string> {
    return Promise.resolve(this.frames.join('\n'));
  }

  monitor(): Promise<void> {
    return Promise.resolve();
  }

  monitored(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

/** Redis pub/sub or Streams: frames captured from the channels (pub/sub) or read back from the streams. */
export class RedisWire implements MatrixWire {
  readonly name: string;
  readonly redelivers: boolean;
  private readonly root: string;
  private readonly redis = new Redis({ lazyConnect: true });
  private readonly tap = new Redis({ lazyConnect: true });
  private readonly channelFrames: { channel: string; frame: string }[] = [];
  private prefix = '';
  private transports: Transport[] = [];
  private store: RedisDeadLetterStore | undefined;
  private monitorClient: Redis | undefined;
  private readonly commands: string[] = [];

  constructor(private readonly kind: 'pubsub' | 'streams') {
    this.name = kind === 'pubsub' ? 'redis pub/sub' : 'redis streams';
    this.redelivers = kind === 'streams';
    this.root = uniquePrefix(`security-matrix-${kind}`);
  }

  async open(caseId: string): Promise<void> {
    if (this.redis.status === 'wait') {
      await this.redis.connect();
      await this.tap.connect();
      // A sniffer on every channel of the run, from before the first frame.
      await this.tap.psubscribe(`${this.root}*`);
      this.tap.on(
        'pmessage',
        (_pattern, channel: string, frame: string) => void this.channelFrames.push({ channel, frame }),
      );
    }
    this.prefix = `${this.root}${caseId}:`;
    this.transports = [];
    this.store = new RedisDeadLetterStore({ prefix: `${this.prefix}dlq:` });
  }

  transport(role: 'sender' | 'receiver'): Transport {
    const prefix = `${this.prefix}${role}:`;
    const transport =
      this.kind === 'pubsub'
        ? new RedisPubSubTransport({ prefix, logger: silent })
        : new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent });
    this.transports.push(transport);
    return transport;
  }

  async captured(messageClass: string): Promise<string[]> {
    const key = `${this.prefix}sender:${messageClass}`;
    if (this.kind === 'pubsub')
      return this.channelFrames.filter(({ channel }) => channel === key).map(({ frame }) => frame);
    const entries = await this.redis.xrange(key, '-', '+');
    return entries.map(([, fields]) => fields[fields.indexOf('frame') + 1]!);
  }

  async inject(messageClass: string, frame: string): Promise<void> {
    const key = `${this.prefix}receiver:${messageClass}`;
    if (this.kind === 'pubsub') await this.redis.publish(key, frame);
    else await this.redis.xadd(key, '*', 'frame', frame);
  }

  deadLetters(): DeadLetterStore {
    return this.store!;
  }

  async pending(messageClass: string): Promise<number> {
    if (this.kind === 'pubsub') return 0;
    const groups = (await this.redis.xinfo('GROUPS', `${this.prefix}receiver:${messageClass}`)) as unknown[][];
    let pending = 0;
    for (const group of groups) pending += Number(group[group.indexOf('pending') + 1]);
    return pending;
  }

  async everything(): Promise<string> {
    const values = this.channelFrames
      .filter(({ channel }) => channel.startsWith(this.prefix))
      .map(({ frame }) => frame);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) values.push(await this.valueOf(key));
    } while (cursor !== '0');
    return values.join('\n');
  }

  async monitor(): Promise<void> {
    this.commands.length = 0;
    if (this.monitorClient !== undefined) throw new Error('already monitoring');
    const monitor = await this.redis.monitor();
    this.monitorClient = monitor;
    monitor.on('monitor', (_time: string, args: string[]) => void this.commands.push(args.join(' ')));
  }

  async monitored(): Promise<string | undefined> {
    if (this.monitorClient === undefined) return undefined;
    // MONITOR streams commands in the order the server ran them: once this one is seen, all before it were.
    const sentinel = `sentinel-${this.prefix}`;
    await this.redis.echo(sentinel);
    await waitFor(() => this.commands.some((command) => command.includes(sentinel)), 'MONITOR to catch up');
    return this.commands.join('\n');
  }

  async close(): Promise<void> {
    const monitor = this.monitorClient;
    this.monitorClient = undefined;
    if (monitor !== undefined) {
      const ended = new Promise((resolve) => monitor.once('end', resolve));
      monitor.disconnect();
      await ended;
    }
    await this.store?.close();
    this.store = undefined;
  }

  async dispose(): Promise<void> {
    this.tap.disconnect();
    this.redis.disconnect();
    await deleteKeys(this.root);
  }

  private async valueOf(key: string): Promise<string> {
    const type = await this.redis.type(key);
    if (type === 'stream') return JSON.stringify(await this.redis.xrange(key, '-', '+'));
    if (type === 'hash') return JSON.stringify(await this.redis.hgetall(key));
    if (type === 'zset') return JSON.stringify(await this.redis.zrange(key, 0, -1));
    if (type === 'list') return JSON.stringify(await this.redis.lrange(key, 0, -1));
    if (type === 'set') return JSON.stringify(await this.redis.smembers(key));
    if (type === 'string') return String(await this.redis.get(key));
    return '';
  }
}
