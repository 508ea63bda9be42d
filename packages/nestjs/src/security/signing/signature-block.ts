import { SignatureAlgorithm } from './signature-algorithm';

/** The one signature block version there is; a receiver refuses any other. */
export const SIGNATURE_BLOCK_VERSION = 'v1';

/** What `header.signature` holds, read apart. */
export interface SignatureBlock {
  /** The algorithm the block claims. A verifier takes the algorithm from its trust store and only compares. */
  readonly alg: string;
  /** The signing key id: a hint to look the key up under the claimed `from`, never a key itself. */
  readonly kid: string;
  readonly signature: Buffer;
}

/** Same rule as encryption key ids: names, never fragments of key material. */
export const SIGNING_KID = /^[A-Za-z0-9._:-]{1,64}$/;
const BLOCK = /^v1;([a-z0-9]{1,16});([A-Za-z0-9._:-]{1,64});([A-Za-z0-9_-]{1,172})$/;

export function formatSignatureBlock(alg: SignatureAlgorithm, kid: string, signature: Uint8Array): string {
  return `${SIGNATURE_BLOCK_VERSION};${alg};${kid};${Buffer.from(signature).toString('base64url')}`;
}

/** The block, or a description of what is wrong with it (a malformed block is an invalid signature). */
export function parseSignatureBlock(text: string): SignatureBlock | string {
  const match = BLOCK.exec(text);
  if (match === null)
    return text.startsWith(`${SIGNATURE_BLOCK_VERSION};`)
      ? 'the signature block is malformed'
      : `the signature block's version is not "${SIGNATURE_BLOCK_VERSION}"`;
  return { alg: match[1], kid: match[2], signature: Buffer.from(match[3], 'base64url') };
}
