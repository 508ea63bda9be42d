import { createHash } from 'node:crypto';
import { CANONICAL_HEADER_FIELDS, canonicalBytes } from '../../codec/encryption/canonical-header';
import { EncodedPayload } from '../../interfaces/envelope.interface';
import { MessageHeader } from '../../interfaces/message-header.interface';

/** Opens the signed bytes, so a signature can never be replayed as another protocol's. */
export const SIGNATURE_DOMAIN = 'smart-message/signature/v1';

/**
 * What a signature covers: the domain tag, every canonical header field (the chain, `from`,
 * `to` and the ids included), the signed send time, the algorithm and key id the block names,
 * and a SHA-256 of the payload exactly as it travels (after compression and encryption:
 * encrypt-then-sign, so forgeries are refused before anything is decrypted). Left out: trace
 * context and transport metadata, which change hop by hop.
 */
export function signedBytes(
  header: Readonly<MessageHeader>,
  alg: string,
  kid: string,
  payload: EncodedPayload,
): Uint8Array {
  const values: unknown[] = [SIGNATURE_DOMAIN];
  for (const name of CANONICAL_HEADER_FIELDS) values.push(header[name]);
  values.push(header.sentAt, alg, kid, createHash('sha256').update(payload).digest());
  return canonicalBytes(values);
}
