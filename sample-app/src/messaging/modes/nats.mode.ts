import { NatsInvalidNameError, NatsJetStreamTransport, NatsTopology, NatsTransport } from '@smart-message/nats';
import { MessagingConfigError } from '../messaging-config.error';
import { BROADCAST_TRANSPORT, DURABLE_TRANSPORT } from '../transport-names';
import { MessagingMode, readRedisSettings } from './messaging-mode';

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * The subject prefix on NATS: `SMART_MESSAGE_PREFIX` without its trailing `:`, since Redis
 * names end in the separator and a subject token (and the stream names built from it) may not
 * hold one.
 */
export function subjectPrefixOf(prefix: string): string {
  const subjectPrefix = prefix.replace(/:+$/, '');
  try {
    // NatsTopology holds the transport's naming rule; building one checks the prefix before anything connects.
    new NatsTopology(subjectPrefix);
  } catch (error) {
    if (!(error instanceof NatsInvalidNameError)) throw error;
    throw new MessagingConfigError(
      'SMART_MESSAGE_PREFIX',
      `SMART_MESSAGE_PREFIX "${prefix}" cannot name the NATS subjects and streams: ${error.message} ` +
        '(SMART_MESSAGE_PREFIX, whose trailing ":" is dropped on NATS)',
      { cause: error },
    );
  }
  return subjectPrefix;
}

/**
 * `SMART_MESSAGE_TRANSPORT=nats`: the durable classes on JetStream (`NATS_URL`, subjects
 * `<SMART_MESSAGE_PREFIX without ":">.<class>`, a stream per class and a durable consumer per
 * service and class), broadcasts and replies on core NATS, which every subscribed instance gets;
 * the dead letters are kept in Redis (`REDIS_URL`, `SMART_MESSAGE_PREFIX`), as in rabbitmq mode,
 * since the JetStream dead letter stream holds only the transport's poison messages, not the
 * dead letter queue the operator endpoints read and replay.
 */
export const natsMode: MessagingMode = {
  name: 'nats',
  read(env) {
    const redis = readRedisSettings(env);
    const url = env.NATS_URL || DEFAULT_NATS_URL;
    const prefix = subjectPrefixOf(redis.prefix);
    return {
      mode: 'nats',
      redis,
      transports: () => ({
        [DURABLE_TRANSPORT]: new NatsJetStreamTransport({
          url,
          prefix,
          connectionName: 'sample-shop',
          // A service started for the first time still gets the work published before it existed.
          startFrom: 'all',
        }),
        // Replies must reach the very instance that waits: core NATS gives each subscriber its copy, at most once.
        [BROADCAST_TRANSPORT]: new NatsTransport({ url, prefix, connectionName: 'sample-shop' }),
      }),
    };
  },
};
