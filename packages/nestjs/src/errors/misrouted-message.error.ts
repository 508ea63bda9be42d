import { SmartMessageError } from './smart-message.error';

/**
 * A frame arrived on the channel, stream or subscription of one message type while its header
 * names another. It is set aside (reason `misrouted`), never routed by what the frame claims,
 * so per-channel or per-key broker permissions keep their meaning.
 */
export class MisroutedMessageError extends SmartMessageError {
  readonly code = 'SM_MISROUTED' as const;

  constructor(
    readonly subscribedClass: string,
    readonly frameClass: string,
  ) {
    super(
      `A frame of type ${JSON.stringify(frameClass.slice(0, 256))} arrived where ${subscribedClass} is subscribed; ` +
        'it was not delivered. A sender must publish each message to the channel or stream of its own type',
    );
  }
}
