import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PayloadStage, PayloadStageContext } from '../chain/payload-stage.interface';
import { canonicalHeaderBytes } from './canonical-header';
import { DecryptionFailedError } from './decryption-failed.error';
import { Aes256GcmOptions } from './encryption-options.interface';
import { KeyProvider } from './key-provider.interface';
import { NONCE_BYTES, TAG_BYTES, readEncryptedPayload, writeEncryptedPayload } from './encrypted-payload';
import { Keyring } from './keyring';

/** Name of the AES-256-GCM stage in a chain (`json+a256gcm`), JOSE's name for the algorithm. */
export const AES256GCM_STAGE_NAME = 'a256gcm';

const CIPHER = 'aes-256-gcm';

/**
 * Encrypts payloads with AES-256-GCM (node:crypto) under the keyring's primary key, and binds
 * the header: the additional authenticated data is `canonicalHeaderBytes(header, kid)`, so a
 * changed class, address, id, time, chain or key id fails decryption as an edited byte does.
 * Each message gets a fresh random 12-byte nonce; NIST caps a key at 2^32 such messages, so
 * rotate well before (at 20,000 msg/s that is about two and a half days).
 *
 * The stage must be the chain's last: the header it binds names the chain, which a compression
 * stage after it could still change by skipping. `resolveClassChains` refuses that order.
 */
export class Aes256GcmStage implements PayloadStage {
  readonly name = AES256GCM_STAGE_NAME;
  readonly kind = 'encryption' as const;
  private ring: Keyring;

  constructor(private readonly options: Aes256GcmOptions) {
    const { keys } = options;
    this.ring = isProvider(keys) ? new Keyring(keys.load(), keys.source) : new Keyring(keys);
  }

  get keyring(): Keyring {
    return this.ring;
  }

  /**
   * Loads the keys again from the stage's key provider and swaps the keyring in one step (the
   * second phase of a rotation without a restart); throws, keeping the old keys, if the new ones
   * are unusable. Returns the key ids and statuses now held.
   */
  reload(): ReturnType<Keyring['describe']> {
    const { keys } = this.options;
    if (isProvider(keys)) this.ring = new Keyring(keys.load(), keys.source);
    return this.ring.describe();
  }

  encode(payload: Uint8Array, context: PayloadStageContext): Uint8Array {
    const { kid, key } = this.keyring.primary();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(canonicalHeaderBytes(context.header, kid));
    const ciphertext = Buffer.concat([cipher.update(payload), cipher.final()]);
    return writeEncryptedPayload({ kid, nonce, ciphertext, tag: cipher.getAuthTag() });
  }

  /**
   * Opens a payload under the key its prefix names, and no other: no trial decryption, so an
   * unknown id is `KeyNotFoundError` and a retired one `KeyRetiredError`. Every other failure is
   * `DecryptionFailedError`.
   */
  decode(payload: Uint8Array, context: PayloadStageContext): Uint8Array {
    const { kid, nonce, ciphertext, tag } = readEncryptedPayload(payload);
    const { key } = this.keyring.forDecryption(kid);
    // `authTagLength` makes OpenSSL refuse a shorter tag; without it Node 20 accepts 4 bytes.
    // `readEncryptedPayload` always hands 16, and this check keeps that true if it ever changes.
    if (tag.length !== TAG_BYTES) throw new DecryptionFailedError(kid, `the tag is ${tag.length} bytes, not 16`);
    const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(canonicalHeaderBytes(context.header, kid));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (error) {
      throw new DecryptionFailedError(
        kid,
        "the authentication tag does not match: the payload or a bound header field was changed, or the key differs from the sender's",
        { cause: error },
      );
    }
  }
}

/**
 * The `a256gcm` stage, for the module or bus option `stages`:
 * `stages: [aes256gcm({ keys: fileKeyProvider('keys.json') })]`. Throws `EncryptionKeyError`
 * for an unusable keyring.
 */
export function aes256gcm(options: Aes256GcmOptions): Aes256GcmStage {
  return new Aes256GcmStage(options);
}

function isProvider(keys: Aes256GcmOptions['keys']): keys is KeyProvider {
  return !Array.isArray(keys);
}
