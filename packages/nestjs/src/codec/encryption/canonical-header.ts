import type { MessageHeader } from '../../interfaces/message-header.interface';

/** Opens the canonical bytes, so they can never be mistaken for another protocol's AAD or signature input. */
export const CANONICAL_HEADER_DOMAIN = 'smart-message/a256gcm/v1';

/**
 * The header fields the canonical form binds, in the order it writes them. Every field a sender
 * sets is here, the chain (`serializer`) included, so that swapping it is a tampering too. Left
 * out: `traceparent` and `tracestate`, which tracing systems rewrite hop by hop.
 */
export const CANONICAL_HEADER_FIELDS = [
  'messageClass',
  'version',
  'uuid',
  'publishedAt',
  'publisherPid',
  'from',
  'to',
  'replyTo',
  'correlationId',
  'causationId',
  'serializer',
] as const satisfies readonly (keyof MessageHeader)[];

const utf8 = new TextEncoder();

/**
 * The canonical bytes of a header and a key id: the domain tag's length and UTF-8, then each of
 * `CANONICAL_HEADER_FIELDS` and last the key id, each as a presence byte (0 absent, 1 present)
 * and, when present, a 4-byte big-endian length and the UTF-8 of the value (numbers in decimal).
 * The presence byte tells an absent `to` (a broadcast) from an empty one; the lengths stop bytes
 * from moving between neighbouring fields. Deterministic: the same header gives the same bytes in
 * every process, whatever order the frame listed its attributes in.
 */
export function canonicalHeaderBytes(header: Readonly<MessageHeader>, kid: string): Uint8Array {
  const values: unknown[] = [CANONICAL_HEADER_DOMAIN];
  for (const name of CANONICAL_HEADER_FIELDS) values.push(header[name]);
  values.push(kid);
  return canonicalBytes(values);
}

/**
 * Writes values in the canonical form `canonicalHeaderBytes` describes: each a presence byte
 * and, when present, a 4-byte big-endian length and its UTF-8 (strings as they are, numbers in
 * decimal, bytes as they are). The first value should be a domain tag of the protocol using it.
 */
export function canonicalBytes(values: readonly unknown[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const value of values) {
    if (value === undefined || value === null) {
      parts.push(ABSENT);
      length += 1;
      continue;
    }
    const bytes = value instanceof Uint8Array ? value : utf8.encode(typeof value === 'string' ? value : String(value));
    const prefix = new Uint8Array(5);
    prefix[0] = 1;
    new DataView(prefix.buffer).setUint32(1, bytes.length);
    parts.push(prefix, bytes);
    length += 5 + bytes.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const ABSENT = new Uint8Array([0]);
