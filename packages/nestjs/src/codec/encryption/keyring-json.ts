import { EncryptionKeyError } from './encryption-key.error';
import { KeyEntry } from './key-entry.interface';
import { KeyStatus } from './key-status';

/** Strict base64: a typo in a key is an error instead of decoding to other bytes. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the keyring format the `env` and `file` providers share (and `pnpm keys` writes):
 *
 * ```json
 * { "keys": [{ "kid": "2026-12", "key": "<32 bytes, base64>", "status": "primary" }] }
 * ```
 *
 * Lengths and statuses are checked by `Keyring`; here, only the shape and strict base64, so a
 * typo in a key is an error instead of decoding to other bytes.
 */
export function parseKeyringJson(text: string, source: string): KeyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EncryptionKeyError(source, `is not JSON (${(error as Error).message}): write { "keys": [...] }`, {
      cause: error,
    });
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys))
    throw new EncryptionKeyError(source, 'has no "keys" array: write { "keys": [{ "kid", "key", "status" }] }');
  return keys.map((item: unknown, index) => {
    const { kid, key, status } = (item ?? {}) as Record<string, unknown>;
    const name = typeof kid === 'string' ? `"${kid}"` : `#${index}`;
    if (typeof key !== 'string' || !BASE64.test(key))
      throw new EncryptionKeyError(source, `key ${name} is not a base64 string: write 32 random bytes in base64`);
    return { kid: kid as string, key: Buffer.from(key, 'base64'), status: (status ?? 'decrypt-only') as KeyStatus };
  });
}
