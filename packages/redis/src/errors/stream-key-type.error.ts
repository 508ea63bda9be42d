import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A key where a message type's stream should be holds another type (a string, a hash...), so
 * XREADGROUP refuses it with WRONGTYPE. The consumer group reads its other streams meanwhile.
 */
export class StreamKeyTypeError extends SmartMessageError {
  readonly code = 'SM_STREAM_WRONG_TYPE' as const;

  constructor(
    readonly key: string,
    readonly keyType: string,
    readonly group: string,
  ) {
    super(
      `${key} holds a ${keyType}, not a stream: consumer group ${group} cannot read it and reads its other streams meanwhile. ` +
        'Delete or rename that key (it is the stream of a subscribed message type); it is read again once it is a stream.',
    );
  }
}
