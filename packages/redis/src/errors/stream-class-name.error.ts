import { SmartMessageError } from '@smart-message/nestjs';

/**
 * In cluster mode a message type's name is the hash tag of its stream keys (`<prefix>{<class>}`):
 * a name with `{` or `}` would change which part Redis hashes, splitting a stream from its dead
 * letter stream or several types onto one slot.
 */
export class StreamClassNameError extends SmartMessageError {
  readonly code = 'SM_REDIS_CLUSTER_CLASS_NAME' as const;

  constructor(readonly messageClass: string) {
    super(
      `Message type "${messageClass}" contains "{" or "}", which Redis Cluster reads as a hash tag of its stream key: ` +
        'give the message type a name without braces.',
    );
  }
}
