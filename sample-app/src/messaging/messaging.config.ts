import { DynamicModule } from '@nestjs/common';
import { MemoryTransport, SmartMessageModule, SmartMessageModuleOptions, Transport } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { MessagingSettings } from './messaging-settings';
import { BROADCAST_TRANSPORT, DURABLE_TRANSPORT } from './transport-names';

/** Bound on each stream; far above any backlog the sample builds, so nothing pending is trimmed. */
const STREAM_MAX_LEN = 10_000;

/** Fresh transports on every call: each application owns and closes its own. */
function transportsFor(settings: MessagingSettings): Record<string, Transport> {
  if (settings.mode === 'memory') {
    return { [DURABLE_TRANSPORT]: new MemoryTransport(), [BROADCAST_TRANSPORT]: new MemoryTransport() };
  }
  const { redisUrl: url, prefix } = settings;
  return {
    [DURABLE_TRANSPORT]: new RedisStreamsTransport({
      url,
      prefix,
      maxLen: STREAM_MAX_LEN,
      // A service started for the first time still gets the work published before it existed.
      startFrom: '0',
    }),
    [BROADCAST_TRANSPORT]: new RedisPubSubTransport({ url, prefix }),
  };
}

export function messagingOptions(settings: MessagingSettings, entity: string): SmartMessageModuleOptions {
  return {
    entity,
    transports: transportsFor(settings),
    defaultTransport: DURABLE_TRANSPORT,
    // jest sets NODE_ENV=test; the tests read outcomes from /activity and /messages/stats, not from logs.
    logger: process.env.NODE_ENV === 'test' ? false : undefined,
  };
}

/** The bus of one process: `entity` names it, and is its consumer group on the durable transport. */
export function messagingModule(settings: MessagingSettings, entity: string): DynamicModule {
  return SmartMessageModule.forRootAsync({
    useFactory: () => messagingOptions(settings, entity),
    transportNames: [DURABLE_TRANSPORT, BROADCAST_TRANSPORT],
  });
}
