import { PayloadStage, PayloadStageContext } from '../chain/payload-stage.interface';
import { canonicalHeaderBytes } from './canonical-header';
import { openAesGcm, sealAesGcm } from './aes-gcm';
import { Aes256GcmOptions } from './encryption-options.interface';
import { KeyProvider } from './key-provider.interface';
import { readEncryptedPayload, writeEncryptedPayload } from './encrypted-payload';
import { Keyring } from './keyring';

/** Name of the AES-256-GCM stage in a chain (`json+a256gcm`), JOSE's name for the algorithm. */
export const AES256GCM_STAGE_NAME = 'a256gcm';

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
    return writeEncryptedPayload({ kid, ...sealAesGcm(key, payload, canonicalHeaderBytes(context.header, kid)) });
  }

  /**
   * Opens a payload under the key its prefix names, and no other: no trial decryption, so an
   * unknown id is `KeyNotFoundError` and a retired one `KeyRetiredError`. Every other failure is
   * `DecryptionFailedError`.
   */
  decode(payload: Uint8Array, context: PayloadStageContext): Uint8Array {
    const parts = readEncryptedPayload(payload);
    const { key } = this.keyring.forDecryption(parts.kid);
    return openAesGcm(
      key,
      parts,
      canonicalHeaderBytes(context.header, parts.kid),
      parts.kid,
      "the authentication tag does not match: the payload or a bound header field was changed, or the key differs from the sender's",
    );
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
