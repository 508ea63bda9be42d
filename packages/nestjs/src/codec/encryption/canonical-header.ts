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
  // Sized first, then written into one buffer: a TextEncoder array and a prefix per value cost
  // about 10 µs a header, this about 1.5 (docs/benchmarks.md, "Security"), on every encrypt,
  // decrypt, sign and verify.
  let length = 0;
  for (const value of values) {
    if (value === undefined || value === null) length += 1;
    else if (value instanceof Uint8Array) length += 5 + value.length;
    else length += 5 + Buffer.byteLength(textOf(value), 'utf8');
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const value of values) {
    if (value === undefined || value === null) {
      out[at++] = 0;
      continue;
    }
    out[at] = 1;
    let written: number;
    if (value instanceof Uint8Array) {
      out.set(value, at + 5);
      written = value.length;
    } else {
      written = out.write(textOf(value), at + 5, 'utf8');
    }
    out.writeUInt32BE(written, at + 1);
    at += 5 + written;
  }
  return out;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
