import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import {
  NatsJetStreamTransport,
  NatsJetStreamTransportOptions,
  NatsTransport,
  NatsTransportOptions,
} from '@smart-message/nats';
import { TEST_NATS_URL } from './test-url';

export { TEST_NATS_URL };

export const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A subject prefix of one test file, so its streams never meet another run's. */
export function randomPrefix(): string {
  return `smtest${randomBytes(4).toString('hex')}`;
}

/** Creates transports of one prefix; `cleanup()` deletes every stream of it (consumers go with them). */
export class TestStreams {
  readonly prefix = randomPrefix();

  constructor(private readonly url = TEST_NATS_URL) {}

  jetStream(options: NatsJetStreamTransportOptions = {}): NatsJetStreamTransport {
    return new NatsJetStreamTransport({
      url: this.url,
      prefix: this.prefix,
      logger: silentLogger,
      reconnect: { waitMs: 50 },
      redelivery: { baseMs: 20, maxMs: 200 },
      ...options,
    });
  }

  core(options: NatsTransportOptions = {}): NatsTransport {
    return new NatsTransport({
      url: this.url,
      prefix: this.prefix,
      logger: silentLogger,
      reconnect: { waitMs: 50 },
      ...options,
    });
  }

  async cleanup(url = this.url): Promise<void> {
    await withManager(url, async (jsm) => {
      for await (const stream of jsm.streams.list()) {
        if (stream.config.name.startsWith(`${this.prefix.toUpperCase()}_`))
          await jsm.streams.delete(stream.config.name);
      }
    });
  }
}

/** Runs `work` with a JetStream manager on a connection of its own. */
export async function withManager<T>(url: string, work: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: url.replace('nats://', ''), maxReconnectAttempts: 0 });
  try {
    return await work(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}
