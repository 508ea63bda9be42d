import { EncryptionKeyError } from '../encryption-key.error';
import { BASE64 } from '../keyring-json';
import type { KeyStatus } from '../key-status';
import { RecipientKeySet } from './recipient-key-entry.interface';

/** A public key as the recipient keys file holds it. */
export interface RecipientPublicKeyJson {
  entity: string;
  kid: string;
  /** 32 raw bytes, base64. */
  publicKey: string;
}

/** A private key as the recipient keys file holds it. */
export interface RecipientPrivateKeyJson {
  entity: string;
  kid: string;
  /** 32 raw bytes, base64. */
  privateKey: string;
  status: KeyStatus;
}

/**
 * The recipient keys file `fileRecipientKeyProvider` reads: the public keys of the entities this
 * service sends to, and its own private keys. In production each service's file holds its own
 * private keys only; the public keys are the ones every sender may have.
 */
export interface RecipientKeysJson {
  recipients?: RecipientPublicKeyJson[];
  privateKeys?: RecipientPrivateKeyJson[];
}

/**
 * Reads the recipient keys format; lengths, ids and statuses are checked by `RecipientKeys`,
 * here only the shape and strict base64.
 */
export function parseRecipientKeysJson(text: string, source: string): RecipientKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EncryptionKeyError(
      source,
      `is not JSON (${(error as Error).message}): write { "recipients": [...], "privateKeys": [...] }`,
      { cause: error },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new EncryptionKeyError(source, 'is not an object: write { "recipients": [...], "privateKeys": [...] }');
  const { recipients = [], privateKeys = [] } = parsed as Record<string, unknown>;
  if (!Array.isArray(recipients) || !Array.isArray(privateKeys))
    throw new EncryptionKeyError(source, '"recipients" and "privateKeys" must be arrays');
  return {
    recipients: recipients.map((item: unknown, index) => {
      const { entity, kid, publicKey } = (item ?? {}) as Record<string, unknown>;
      return { entity: entity as string, kid: kid as string, publicKey: bytes(source, kid, index, publicKey) };
    }),
    privateKeys: privateKeys.map((item: unknown, index) => {
      const { entity, kid, privateKey, status } = (item ?? {}) as Record<string, unknown>;
      return {
        entity: entity as string,
        kid: kid as string,
        privateKey: bytes(source, kid, index, privateKey),
        status: (status ?? 'decrypt-only') as KeyStatus,
      };
    }),
  };
}

function bytes(source: string, kid: unknown, index: number, value: unknown): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value))
    throw new EncryptionKeyError(
      source,
      `key ${typeof kid === 'string' ? `"${kid}"` : `#${index}`} is not a base64 string: write the 32 raw key bytes in base64`,
    );
  return Buffer.from(value, 'base64');
}
