import { SmartMessageError } from './smart-message.error';

/**
 * A well-formed message reached this instance on a transport where no handler takes its type:
 * the last handler was removed while the subscription still delivered, or its type is not one
 * this process declares. It is reported (reason `no-handler` or `unknown-type`), never dropped unseen.
 */
export class NoHandlerError extends SmartMessageError {
  readonly code = 'SM_NO_HANDLER' as const;

  constructor(
    readonly messageClass: string,
    readonly transport: string,
    readonly known: boolean,
  ) {
    super(
      known
        ? `No handler for ${messageClass} on transport ${transport}: the message was not handled. ` +
            'Replay it from the dead letter queue once a handler is registered again'
        : `${JSON.stringify(messageClass.slice(0, 256))} is not a message type this process declares, ` +
            `so nothing on transport ${transport} handles it. Declare it with @Message() and subscribe a handler, ` +
            'or stop publishing it here',
    );
  }
}
