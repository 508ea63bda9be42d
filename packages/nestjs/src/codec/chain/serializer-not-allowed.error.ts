import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * A received message names a serializer chain its class does not accept: a downgrade (plain
 * `json` for a `msgpack` class) or a stage the class never asked for. Refused before any byte
 * is decoded, and reported as `undecodable`.
 */
export class SerializerNotAllowedError extends SmartMessageError {
  readonly code = 'SM_SERIALIZER_NOT_ALLOWED' as const;

  constructor(
    readonly messageClass: string,
    readonly serializer: string,
    readonly allowed: readonly string[],
  ) {
    super(
      `${messageClass} does not accept serializer "${serializer}" (it accepts ${allowed.map((name) => `"${name}"`).join(', ')}): ` +
        'if senders are moving to it, list it in @Message({ acceptSerializers }) on the receivers first',
    );
  }
}
