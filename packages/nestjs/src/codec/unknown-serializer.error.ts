import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A message names a serializer that is not registered: on publish from `@Message({ serializer })`,
 * on receipt from a frame (then it is reported as `undecodable`). Register the
 * serializer with the module's or bus's `serializers` option.
 */
export class UnknownSerializerError extends SmartMessageError {
  readonly code = 'SM_UNKNOWN_SERIALIZER' as const;

  constructor(readonly serializerName: string) {
    super(
      `No serializer named "${serializerName}" is registered: add it to the module's (or bus's) \`serializers\` option`,
    );
  }
}
