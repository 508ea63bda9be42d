import { MessageBus } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { quietLogger } from '../redis/contenders/quiet-logger';

/** The publishing service: a bare MessageBus on the same Streams transport as the consumers. */
export function jobPublisher(redisUrl: string, streamPrefix: string): MessageBus {
  return new MessageBus({
    entity: 'scaling-publisher',
    logger: quietLogger,
    transports: {
      jobs: new RedisStreamsTransport({
        url: redisUrl,
        prefix: streamPrefix,
        // No trimming: a backlog must stay whole however large it is; the keys are deleted afterwards.
        maxLen: 0,
        logger: quietLogger,
      }),
    },
  });
}
