import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import { Envelope } from '../../interfaces/envelope.interface';
import { SignatureInvalidError } from '../errors/signature-invalid.error';
import { TrustStore } from '../trust/trust-store';
import { parseSignatureBlock } from './signature-block';
import { signedBytes } from './signed-bytes';
import { SignatureAlgorithm } from './signature-algorithm';

/** Who signed a message, once the signature verified against the trust store. */
export interface VerifiedSigner {
  readonly entity: string;
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
}

const SIGNATURE_BYTES: Readonly<Record<SignatureAlgorithm, number>> = { ed25519: 64, hs256: 32 };

/**
 * Checks a message's signature against the trust store: the key must be the claimed `from`'s,
 * active and valid; the algorithm is the key's. Throws the `SecurityRejectionError` that says
 * why not. Runs before anything is decrypted or decoded.
 */
export class SignatureVerifier {
  constructor(readonly trust: TrustStore) {}

  verify(envelope: Envelope, now = Date.now()): VerifiedSigner {
    const { header, payload } = envelope;
    const block = parseSignatureBlock(header.signature ?? '');
    if (typeof block === 'string') throw new SignatureInvalidError(header.from, undefined, block);
    const key = this.trust.keyFor(header.from, block.kid, now);
    // The trust store decides the algorithm: a block claiming another (hs256 with a public key as secret) is refused.
    if (block.alg !== key.alg)
      throw new SignatureInvalidError(
        header.from,
        block.kid,
        `it claims ${block.alg}, and the trust store holds an ${key.alg} key`,
      );
    if (block.signature.length !== SIGNATURE_BYTES[key.alg])
      throw new SignatureInvalidError(
        header.from,
        block.kid,
        `the signature is ${block.signature.length} bytes, not ${SIGNATURE_BYTES[key.alg]}`,
      );
    if (header.sentAt === undefined)
      throw new SignatureInvalidError(header.from, block.kid, 'it has no signed send time');
    const bytes = signedBytes(header, key.alg, key.kid, payload);
    const valid =
      key.alg === 'hs256'
        ? timingSafeEqual(createHmac('sha256', key.key).update(bytes).digest(), block.signature)
        : verify(null, bytes, key.key, block.signature);
    if (!valid)
      throw new SignatureInvalidError(header.from, block.kid, 'the signature does not match the header and payload');
    return { entity: key.entity, kid: key.kid, alg: key.alg };
  }
}
