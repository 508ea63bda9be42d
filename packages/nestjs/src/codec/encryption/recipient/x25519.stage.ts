import {
  createCipheriv,
  createDecipheriv,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import type { MessageHeader } from '../../../interfaces/message-header.interface';
import { PayloadStage, PayloadStageContext } from '../../chain/payload-stage.interface';
import { CANONICAL_HEADER_FIELDS, canonicalBytes } from '../canonical-header';
import { DecryptionFailedError } from '../decryption-failed.error';
import { openAesGcm, sealAesGcm } from '../aes-gcm';
import { RecipientKeySet } from './recipient-key-entry.interface';
import { RecipientKeyProvider } from './recipient-key-provider.interface';
import { RecipientKeys } from './recipient-keys';
import { readRecipientPayload, writeRecipientPayload } from './recipient-payload';
import { rawPublicKey, x25519PublicKey } from './x25519-key-material';
import { X25519RecipientOptions } from './x25519-options.interface';

/** Name of the recipient encryption stage in a chain (`json+x25519`). */
export const X25519_STAGE_NAME = 'x25519';

/** Opens the additional authenticated data, apart from `a256gcm`'s. */
export const X25519_AAD_DOMAIN = 'smart-message/x25519/v1';
/** Opens the key derivation's `info`, so the derived key serves this protocol only. */
const KEK_DOMAIN = 'smart-message/x25519/kek/v1';

const DATA_KEY_BYTES = 32;
const WRAP = 'id-aes256-wrap';
// RFC 3394's default initial value: AES-KW checks it on unwrapping, which is its integrity check.
const WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/**
 * Encrypts each payload to its one recipient, the entity in `header.to`, so that only that
 * recipient can read it, not every service with a shared key or broker access. Per message: a
 * random 32-byte data key encrypts the payload with AES-256-GCM; an ephemeral X25519 key pair
 * agrees a secret with the recipient's public key; HKDF-SHA256 turns it into a key-encryption
 * key that wraps the data key (AES-KW). All of it is node:crypto.
 *
 * Bound: the additional authenticated data is the canonical header (every field `a256gcm` binds)
 * followed by the recipient key id, the ephemeral public key and the wrapped key; the key
 * derivation also binds the ephemeral and the recipient's public key. An edited header, a
 * swapped ephemeral key or wrapped key fails as an edited ciphertext byte does.
 *
 * Publishing refuses a message with no `to` or with a `to` whose public key is not known
 * (`RecipientKeyError`), before anything is sent. The stage must be the chain's last, as any
 * encryption stage.
 */
export class X25519RecipientStage implements PayloadStage {
  readonly name = X25519_STAGE_NAME;
  readonly kind = 'encryption' as const;
  private current: RecipientKeys;

  constructor(private readonly options: X25519RecipientOptions) {
    this.current = load(options.keys);
  }

  get keys(): RecipientKeys {
    return this.current;
  }

  /**
   * Loads the keys again from the stage's provider and swaps them in one step; throws, keeping
   * the old keys, if the new ones are unusable. Returns the key ids now held.
   */
  reload(): ReturnType<RecipientKeys['describe']> {
    this.current = load(this.options.keys);
    return this.current.describe();
  }

  encode(payload: Uint8Array, context: PayloadStageContext): Uint8Array {
    const recipient = this.current.recipient(context.header.to);
    const ephemeral = generateKeyPairSync('x25519');
    const ephemeralKey = rawPublicKey(ephemeral.publicKey);
    const kek = keyEncryptionKey(
      diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.key }),
      ephemeralKey,
      recipient.raw,
      recipient.kid,
    );
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const wrap = createCipheriv(WRAP, kek, WRAP_IV);
    const wrappedKey = Buffer.concat([wrap.update(dataKey), wrap.final()]);
    const sealed = sealAesGcm(dataKey, payload, recipientAad(context.header, recipient.kid, ephemeralKey, wrappedKey));
    return writeRecipientPayload({ kid: recipient.kid, ephemeralKey, wrappedKey, ...sealed });
  }

  /**
   * Opens a payload with the private key its prefix names, and no other (no trial decryption):
   * an unknown id is `RecipientKeyNotFoundError`, a retired one `KeyRetiredError`, a key of
   * another entity than `to`, and every failure to agree, unwrap or authenticate,
   * `DecryptionFailedError`. node:crypto's own errors never escape.
   */
  decode(payload: Uint8Array, context: PayloadStageContext): Uint8Array {
    const { kid, ephemeralKey, wrappedKey, nonce, ciphertext, tag } = readRecipientPayload(payload);
    const own = this.current.forDecryption(kid);
    const { header } = context;
    if (header.to !== own.entity)
      throw new DecryptionFailedError(
        kid,
        `it is wrapped to a key of "${own.entity}" but addressed to ${header.to === undefined ? 'no one' : `"${header.to}"`}`,
      );
    let kek: Buffer;
    try {
      // An ephemeral key of small order gives an all-zero secret, which OpenSSL refuses here.
      kek = keyEncryptionKey(
        diffieHellman({ privateKey: own.key, publicKey: x25519PublicKey(ephemeralKey) }),
        ephemeralKey,
        own.publicRaw,
        kid,
      );
    } catch (error) {
      throw new DecryptionFailedError(kid, 'the ephemeral key is not a usable X25519 public key', { cause: error });
    }
    let dataKey: Buffer;
    try {
      const unwrap = createDecipheriv(WRAP, kek, WRAP_IV);
      dataKey = Buffer.concat([unwrap.update(wrappedKey), unwrap.final()]);
    } catch (error) {
      throw new DecryptionFailedError(
        kid,
        'the data key does not unwrap: the wrapped key or the ephemeral key was changed, or it was wrapped to another key under this id',
        { cause: error },
      );
    }
    return openAesGcm(
      dataKey,
      { nonce, ciphertext, tag },
      recipientAad(header, kid, ephemeralKey, wrappedKey),
      kid,
      'the authentication tag does not match: the payload or a bound header field was changed',
    );
  }
}

/**
 * The `x25519` stage, for the module or bus option `stages`:
 * `stages: [x25519Recipient({ keys: fileRecipientKeyProvider('recipient-keys.json') })]`, and
 * `@Message({ serializer: 'json+x25519', to: 'billing' })`. Throws `EncryptionKeyError` for
 * unusable keys.
 */
export function x25519Recipient(options: X25519RecipientOptions): X25519RecipientStage {
  return new X25519RecipientStage(options);
}

function load(keys: RecipientKeyProvider | RecipientKeySet): RecipientKeys {
  return isProvider(keys) ? new RecipientKeys(keys.load(), keys.source) : new RecipientKeys(keys);
}

function isProvider(keys: RecipientKeyProvider | RecipientKeySet): keys is RecipientKeyProvider {
  return typeof (keys as Partial<RecipientKeyProvider>).load === 'function';
}

/** HKDF-SHA256 of the shared secret, salted with both public keys, for this protocol and key id. */
function keyEncryptionKey(shared: Buffer, ephemeralKey: Uint8Array, recipientKey: Uint8Array, kid: string): Buffer {
  const salt = Buffer.concat([ephemeralKey, recipientKey]);
  return Buffer.from(hkdfSync('sha256', shared, salt, canonicalBytes([KEK_DOMAIN, kid]), DATA_KEY_BYTES));
}

function recipientAad(
  header: Readonly<MessageHeader>,
  kid: string,
  ephemeralKey: Uint8Array,
  wrappedKey: Uint8Array,
): Uint8Array {
  const values: unknown[] = [X25519_AAD_DOMAIN];
  for (const name of CANONICAL_HEADER_FIELDS) values.push(header[name]);
  values.push(kid, ephemeralKey, wrappedKey);
  return canonicalBytes(values);
}
