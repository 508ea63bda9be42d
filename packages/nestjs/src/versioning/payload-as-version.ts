import type { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { InvalidOptionError } from '../errors/invalid-option.error';
import { PlainPayload } from './upcaster.interface';

/**
 * The payload of `message` written as an older `version` through its class's downcasters, after
 * the message passed its own version's rules: plain JSON data, as a receiver would decode it.
 * Throws `InvalidOptionError` for a version the chain does not write, `DowncastFailedError` when
 * a downcaster fails; nothing is sent either way.
 */
export function payloadAsVersion(message: object, metadata: MessageTypeMetadata, version: number): PlainPayload {
  const { downcasts } = metadata;
  if (downcasts === undefined || !downcasts.writes(version))
    throw new InvalidOptionError(
      `publish(${metadata.name})`,
      'version',
      version,
      downcasts === undefined
        ? `${metadata.version}: the class declares no downcast`
        : `from ${downcasts.oldest} to ${metadata.version}, the versions its downcast chain writes`,
    );
  return downcasts.downcast(version, JSON.parse(JSON.stringify(message)) as PlainPayload);
}
