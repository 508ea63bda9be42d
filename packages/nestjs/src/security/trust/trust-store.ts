import { KeyObject } from 'node:crypto';
import { SigningKeyEntityMismatchError } from '../errors/signing-key-entity-mismatch.error';
import { SigningKeyError } from '../errors/signing-key.error';
import { SigningKeyRetiredError } from '../errors/signing-key-retired.error';
import { SigningKeyUnknownError } from '../errors/signing-key-unknown.error';
import { SignatureAlgorithm, isSignatureAlgorithm } from '../signing/signature-algorithm';
import { SIGNING_KID } from '../signing/signature-block';
import { verificationKey } from './key-material';
import { TrustProvider, TrustedKeyEntry, TrustedKeyStatus } from './trusted-key.interface';

/** A trust store key, checked and ready to verify with. */
export interface TrustedKey {
  readonly entity: string;
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  readonly key: KeyObject;
  readonly status: TrustedKeyStatus;
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * Which public keys may sign as which entity. Verification looks a signature's key id up, and
 * refuses it when the store does not hold it, when it belongs to another entity than the claimed
 * `from`, or when it is retired or outside its validity; the algorithm is the store's, never the
 * message's. No key is ever taken from a message.
 */
export class TrustStore {
  private keys: ReadonlyMap<string, TrustedKey>;

  constructor(
    entries: readonly TrustedKeyEntry[],
    readonly source = 'the trust store',
    private readonly provider?: TrustProvider,
  ) {
    this.keys = buildKeys(entries, source);
  }

  /** A store filled (and refilled on `reload()`) by a provider: a file, a JWKS document. */
  static async load(provider: TrustProvider): Promise<TrustStore> {
    return new TrustStore(await provider.load(), provider.source, provider);
  }

  /** A store from a provider whose `load` answers synchronously (the file providers do). */
  static from(provider: TrustProvider): TrustStore {
    const entries = provider.load();
    if (entries instanceof Promise)
      throw new SigningKeyError(
        provider.source,
        'loads asynchronously: build the store with `await TrustStore.load(provider)` (e.g. in forRootAsync)',
      );
    return new TrustStore(entries, provider.source, provider);
  }

  /**
   * Reads the provider again and swaps the keys in one step; on any error the old keys stay.
   * Returns the key ids now held. A store built from entries has nothing to reload.
   */
  async reload(): Promise<string[]> {
    if (this.provider !== undefined) this.keys = buildKeys(await this.provider.load(), this.source);
    return [...this.keys.keys()];
  }

  /** The key that verifies a signature of `kid` claiming `from`, at time `now` (ms); throws the refusal otherwise. */
  keyFor(from: string, kid: string, now: number): TrustedKey {
    const key = this.keys.get(kid);
    if (key === undefined) throw new SigningKeyUnknownError(from, kid);
    if (key.entity !== from) throw new SigningKeyEntityMismatchError(from, kid, key.entity);
    if (key.status === 'retired') throw new SigningKeyRetiredError(from, kid, 'is retired');
    if (now < key.notBefore)
      throw new SigningKeyRetiredError(from, kid, `is not valid before ${new Date(key.notBefore).toISOString()}`);
    if (now > key.notAfter)
      throw new SigningKeyRetiredError(from, kid, `expired at ${new Date(key.notAfter).toISOString()}`);
    return key;
  }

  /** Each key with its entity, algorithm and status, for diagnostics; never key material. */
  describe(): { entity: string; kid: string; alg: SignatureAlgorithm; status: TrustedKeyStatus }[] {
    return [...this.keys.values()].map(({ entity, kid, alg, status }) => ({ entity, kid, alg, status }));
  }
}

function buildKeys(entries: readonly TrustedKeyEntry[], source: string): Map<string, TrustedKey> {
  const keys = new Map<string, TrustedKey>();
  for (const entry of entries) {
    const { entity, kid } = entry;
    const where = `${source}, key ${JSON.stringify(kid)} of ${JSON.stringify(entity)}`;
    if (typeof entity !== 'string' || entity.length === 0)
      throw new SigningKeyError(source, `a key has no entity: name the service it signs as`);
    if (typeof kid !== 'string' || !SIGNING_KID.test(kid))
      throw new SigningKeyError(where, 'the key id is not 1–64 letters, digits, ".", "_", ":" or "-"');
    const alg = entry.alg ?? 'ed25519';
    if (!isSignatureAlgorithm(alg))
      throw new SigningKeyError(where, `algorithm ${JSON.stringify(alg)} is not one of "ed25519", "hs256"`);
    const status = entry.status ?? 'active';
    if (status !== 'active' && status !== 'retired')
      throw new SigningKeyError(where, `status ${JSON.stringify(status)} is not "active" or "retired"`);
    const existing = keys.get(kid);
    if (existing !== undefined)
      throw new SigningKeyError(
        where,
        `the key id is also listed for "${existing.entity}": key ids are unique across the store, give each key its own`,
      );
    keys.set(kid, {
      entity,
      kid,
      alg,
      key: verificationKey(entry.key, alg, where),
      status,
      notBefore: time(entry.notBefore, -Infinity, where),
      notAfter: time(entry.notAfter, Infinity, where),
    });
  }
  return keys;
}

function time(value: string | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SigningKeyError(where, `${JSON.stringify(value)} is not an ISO 8601 time`);
  return ms;
}
