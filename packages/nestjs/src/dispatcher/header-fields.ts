import { Envelope } from '../interfaces/envelope.interface';

/** The header fields every log line about a message carries. */
export function headerFields(envelope: Envelope): Record<string, unknown> {
  const { uuid, messageClass, version, from, to, correlationId } = envelope.header;
  return { uuid, messageClass, version, from, to, correlationId };
}
