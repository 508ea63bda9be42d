import { KeyObject, createSecretKey } from 'node:crypto';
import { EncryptionKeyError } from './encryption-key.error';
import { KeyEntry } from './key-entry.interface';
import { KeyNotFoundError } from './key-not-found.error';
import { KEY_STATUSES, KeyStatus } from './key-status';
import { KeyRetiredError } from './key-retired.error';

/** AES-256 takes 32-byte keys; any other length is refused at startup, never padded or hashed. */
export const ENCRYPTION_KEY_BYTES = 32;

const KID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A key the stage uses, held as a `KeyObject` so its bytes do not sit in an ordinary buffer. */
export interface UsableKey {
  readonly kid: string;
  readonly key: KeyObject;
}

/**
 * The keys of an encryption stage, checked once. At most one key is `primary` (it encrypts;
 * a receive-only service may have none); `decrypt-only` keys open messages still in flight;
 * `retired` keys are refused by name. Rotation is two-phase, because no deploy reaches every
 * service at once: ship the new key as `decrypt-only` everywhere, then promote it to `primary`
 * (the old one becomes `decrypt-only`), then retire the old one after the longest time a frame
 * can rest (stream retention, dead letters).
 */
export class Keyring {
  private readonly keys = new Map<string, { key: KeyObject; status: KeyStatus }>();
  private readonly primaryKey: UsableKey | undefined;

  constructor(entries: readonly KeyEntry[], source = 'the keyring') {
    let primary: UsableKey | undefined;
    for (const entry of entries) {
      const { kid, key, status } = entry;
      if (typeof kid !== 'string' || !KID.test(kid))
        throw new EncryptionKeyError(
          source,
          `key id ${JSON.stringify(kid)} is not 1–64 letters, digits, ".", "_", ":" or "-": name keys by date or number, e.g. "2026-12"`,
        );
      if (!KEY_STATUSES.includes(status))
        throw new EncryptionKeyError(
          source,
          `key "${kid}" has status ${JSON.stringify(status)}: use one of ${KEY_STATUSES.map((name) => `"${name}"`).join(', ')}`,
        );
      if (!(key instanceof Uint8Array) || key.length !== ENCRYPTION_KEY_BYTES)
        throw new EncryptionKeyError(
          source,
          `key "${kid}" is ${key instanceof Uint8Array ? key.length : 0} bytes, not ${ENCRYPTION_KEY_BYTES}: ` +
            "generate 32 random bytes (`pnpm keys`, or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"`); " +
            'never derive a key from a password',
        );
      if (this.keys.has(kid))
        throw new EncryptionKeyError(source, `key "${kid}" is listed twice: give each key its own id`);
      const usable = createSecretKey(key);
      this.keys.set(kid, { key: usable, status });
      if (status === 'primary') {
        if (primary !== undefined)
          throw new EncryptionKeyError(
            source,
            `keys "${primary.kid}" and "${kid}" are both primary: keep one primary and mark the other "decrypt-only"`,
          );
        primary = { kid, key: usable };
      }
    }
    this.primaryKey = primary;
  }

  /** The key to encrypt with; `KeyNotFoundError` when none is primary. */
  primary(): UsableKey {
    if (this.primaryKey === undefined) throw new KeyNotFoundError(undefined);
    return this.primaryKey;
  }

  /** The key of this id for decryption: `KeyNotFoundError` when unknown, `KeyRetiredError` when retired. */
  forDecryption(kid: string): UsableKey {
    const found = this.keys.get(kid);
    if (found === undefined) throw new KeyNotFoundError(kid);
    if (found.status === 'retired') throw new KeyRetiredError(kid);
    return { kid, key: found.key };
  }

  /** Each key id with its status, for diagnostics; never the key bytes. */
  describe(): { kid: string; status: KeyStatus }[] {
    return [...this.keys].map(([kid, { status }]) => ({ kid, status }));
  }
}
