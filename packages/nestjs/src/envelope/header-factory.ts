import { randomUUID } from 'node:crypto';
import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { MessageHeader } from '../interfaces/message-header.interface';
import { PublishOptions } from '../interfaces/publish-options.interface';

/**
 * Builds the header of a message about to be published. Addressing resolves publish option,
 * then class default, then (for `from`) the module's entity. `serializer` is the class's chain;
 * encoding later leaves out the stages that did not run.
 */
export function createHeader(
  metadata: MessageTypeMetadata,
  options: PublishOptions,
  entity: string | undefined,
  serializer: string,
): MessageHeader {
  const header: MessageHeader = {
    uuid: randomUUID(),
    messageClass: metadata.name,
    version: metadata.version,
    publishedAt: isoTimestampNow(),
    publisherPid: process.pid,
    from: (options.from ?? metadata.from ?? entity) as string,
    serializer,
  };
  const to = options.to === null ? undefined : (options.to ?? metadata.to);
  const replyTo = options.replyTo ?? metadata.replyTo;
  if (to !== undefined) header.to = to;
  if (replyTo !== undefined) header.replyTo = replyTo;
  if (options.correlationId !== undefined) header.correlationId = options.correlationId;
  if (options.causationId !== undefined) header.causationId = options.causationId;
  return header;
}

let lastMillis = Number.NaN;
let lastIso = '';

/**
 * The current time in ISO 8601 with milliseconds. Messages published in a burst share a
 * millisecond, so the string is built once per millisecond rather than once per message.
 */
function isoTimestampNow(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
