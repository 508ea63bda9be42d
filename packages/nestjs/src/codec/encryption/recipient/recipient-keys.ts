import { KeyObject, createPublicKey } from 'node:crypto';
import { EncryptionKeyError } from '../encryption-key.error';
import { KEY_STATUSES, KeyStatus } from '../key-status';
import { KeyRetiredError } from '../key-retired.error';
import { RecipientKeySet } from './recipient-key-entry.interface';
import { RecipientKeyError } from './recipient-key.error';
import { RecipientKeyNotFoundError } from './recipient-key-not-found.error';
import { X25519_KEY_BYTES, rawPublicKey, x25519PrivateKey, x25519PublicKey } from './x25519-key-material';

const KID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A recipient's public key, ready to wrap to. */
export interface RecipientPublicKey {
  readonly entity: string;
  readonly kid: string;
  readonly key: KeyObject;
  /** Its 32 raw bytes, which the key derivation binds. */
  readonly raw: Uint8Array;
}

/** One of this service's private keys, ready to unwrap with. */
export interface RecipientPrivateKey {
  readonly entity: string;
  readonly kid: string;
  readonly key: KeyObject;
  /** The raw bytes of its public key, which the key derivation binds. */
  readonly publicRaw: Uint8Array;
}

/**
 * The checked keys of an `x25519` stage: one public key per entity it sends to, and its own
 * private keys by id (at most one primary per entity, any number decrypt-only or retired). Every
 * key is checked for length and turned into a `KeyObject` once, so a bad key stops startup.
 */
export class RecipientKeys {
  private readonly recipients = new Map<string, RecipientPublicKey>();
  private readonly privateKeys = new Map<string, RecipientPrivateKey & { status: KeyStatus }>();

  constructor(keys: RecipientKeySet, source = 'the recipient keys') {
    for (const { entity, kid, publicKey } of keys.recipients ?? []) {
      checkId(source, entity, kid);
      if (this.recipients.has(entity))
        throw new EncryptionKeyError(
          source,
          `entity "${entity}" has two public keys: list only the one its senders wrap to now (its primary)`,
        );
      const key = importKey(source, kid, 'public', publicKey, x25519PublicKey);
      this.recipients.set(entity, { entity, kid, key, raw: Uint8Array.from(publicKey) });
    }
    const primaries = new Map<string, string>();
    for (const { entity, kid, privateKey, status } of keys.privateKeys ?? []) {
      checkId(source, entity, kid);
      if (!KEY_STATUSES.includes(status))
        throw new EncryptionKeyError(
          source,
          `private key "${kid}" has status ${JSON.stringify(status)}: use one of ${KEY_STATUSES.map((name) => `"${name}"`).join(', ')}`,
        );
      if (this.privateKeys.has(kid))
        throw new EncryptionKeyError(source, `private key "${kid}" is listed twice: give each key its own id`);
      if (status === 'primary') {
        const other = primaries.get(entity);
        if (other !== undefined)
          throw new EncryptionKeyError(
            source,
            `private keys "${other}" and "${kid}" of "${entity}" are both primary: keep one primary and mark the other "decrypt-only"`,
          );
        primaries.set(entity, kid);
      }
      const key = importKey(source, kid, 'private', privateKey, x25519PrivateKey);
      this.privateKeys.set(kid, { entity, kid, key, publicRaw: rawPublicKey(createPublicKey(key)), status });
    }
  }

  /** The public key to wrap a message to `to` with; `RecipientKeyError` naming the fix otherwise. */
  recipient(to: string | undefined): RecipientPublicKey {
    if (to === undefined)
      throw new RecipientKeyError(
        undefined,
        'the message has no `to`: x25519 encrypts to one recipient, so address it (publish(message, { to }) or ' +
          "@Message({ to })), or give a broadcast class a shared-key chain such as 'json+a256gcm'",
      );
    const found = this.recipients.get(to);
    if (found === undefined)
      throw new RecipientKeyError(
        to,
        `no public key is known for it: add its public key to the stage's recipients (\`pnpm keys recipient ${to}\` ` +
          `in the sample app); known: ${[...this.recipients.keys()].join(', ') || '(none)'}`,
      );
    return found;
  }

  /** The private key of this id: `RecipientKeyNotFoundError` when unknown, `KeyRetiredError` when retired. */
  forDecryption(kid: string): RecipientPrivateKey {
    const found = this.privateKeys.get(kid);
    if (found === undefined) throw new RecipientKeyNotFoundError(kid);
    if (found.status === 'retired') throw new KeyRetiredError(kid);
    return found;
  }

  /** Each key id with its entity and, for private keys, status; never key bytes. */
  describe(): { entity: string; kid: string; status: KeyStatus | 'public' }[] {
    return [
      ...[...this.recipients.values()].map(({ entity, kid }) => ({ entity, kid, status: 'public' as const })),
      ...[...this.privateKeys.values()].map(({ entity, kid, status }) => ({ entity, kid, status })),
    ];
  }
}

function checkId(source: string, entity: unknown, kid: unknown): void {
  if (typeof entity !== 'string' || entity === '')
    throw new EncryptionKeyError(source, `key ${JSON.stringify(kid)} names no entity: give each key its "entity"`);
  if (typeof kid !== 'string' || !KID.test(kid))
    throw new EncryptionKeyError(
      source,
      `key id ${JSON.stringify(kid)} is not 1–64 letters, digits, ".", "_", ":" or "-": name keys by entity and date, e.g. "billing-2026-12"`,
    );
}

function importKey(
  source: string,
  kid: string,
  kind: 'public' | 'private',
  raw: unknown,
  load: (raw: Uint8Array) => KeyObject,
): KeyObject {
  if (!(raw instanceof Uint8Array) || raw.length !== X25519_KEY_BYTES)
    throw new EncryptionKeyError(
      source,
      `${kind} key "${kid}" is ${raw instanceof Uint8Array ? raw.length : 0} bytes, not ${X25519_KEY_BYTES} raw X25519 bytes: ` +
        'generate a pair with generateRecipientKey() (`pnpm keys recipient ENTITY`)',
    );
  try {
    return load(raw);
  } catch (error) {
    throw new EncryptionKeyError(source, `${kind} key "${kid}" is not an X25519 key`, { cause: error });
  }
}
