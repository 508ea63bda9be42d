import { generateKeyPairSync } from 'node:crypto';
import type { KeyStatus } from '../key-status';
import { RecipientPrivateKeyJson, RecipientPublicKeyJson } from './recipient-keys-json';
import { rawPrivateKey, rawPublicKey } from './x25519-key-material';

/**
 * A new X25519 key pair for an entity that receives `x25519` messages: the private key it keeps
 * (status `primary` unless told otherwise; a rotation adds the next one as `decrypt-only`) and
 * the public key its senders add to their recipients. Both as base64 entries of the recipient
 * keys file.
 */
export function generateRecipientKey(
  entity: string,
  kid: string,
  status: KeyStatus = 'primary',
): { privateKey: RecipientPrivateKeyJson; publicKey: RecipientPublicKeyJson } {
  const pair = generateKeyPairSync('x25519');
  return {
    privateKey: { entity, kid, privateKey: rawPrivateKey(pair.privateKey).toString('base64'), status },
    publicKey: { entity, kid, publicKey: rawPublicKey(pair.publicKey).toString('base64') },
  };
}
