import { SmartMessageError } from '@smart-message/nestjs';

/**
 * Redis answered a Streams command in a shape this library does not read (an ioredis version or
 * `replyMapping` it does not know, or a reply transformer set on the client). The entries such a
 * reply carried stay pending in the consumer group; nothing is dropped.
 */
export class RedisReplyShapeError extends SmartMessageError {
  readonly code = 'SM_REDIS_REPLY_SHAPE' as const;

  constructor(
    readonly command: string,
    readonly shape: string,
  ) {
    super(
      `${command} returned a reply of a shape the Streams consumer does not read (${shape}); the entries it carried stay pending. ` +
        'Use ioredis ^5.4 or ^6 without a reply transformer for this command, with replyMapping "legacy" or "resp3".',
    );
  }
}
