import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A transport name that is not configured: the module's `defaultTransport` or
 * `@Message({ transport })`. The message lists the configured names and, when a message type
 * names the transport, that type.
 */
export class UnknownTransportError extends SmartMessageError {
  readonly code = 'SM_UNKNOWN_TRANSPORT' as const;

  /** `messageClass`: the message type that names the transport, when one does. */
  constructor(
    readonly transportName: string,
    known: readonly string[],
    readonly messageClass?: string,
  ) {
    super(
      `No transport named "${transportName}" is configured (configured: ${known.join(', ') || 'none'})` +
        (messageClass === undefined
          ? ''
          : `; message type ${messageClass} names it in @Message({ transport }): configure a transport of that name or change the option`),
    );
  }
}
