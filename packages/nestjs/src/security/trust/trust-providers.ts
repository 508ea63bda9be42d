import { readFileSync } from 'node:fs';
import type { JsonWebKey } from 'node:crypto';
import { SigningKeyError } from '../errors/signing-key.error';
import { TrustProvider, TrustedKeyEntry } from './trusted-key.interface';

/**
 * Trust store keys from a JSON file, read at startup and on `reload()`:
 * `{ "keys": [{ "entity": "orders", "kid": "orders-2026-12", "alg": "ed25519", "key": "<base64 or PEM>", "status": "active" }] }`.
 */
export function fileTrustProvider(path: string): TrustProvider {
  return {
    source: path,
    load: () => entriesOf(readJson(path), path),
  };
}

/**
 * Trust store keys from JWKS documents, one per entity: `{ orders: 'https://orders.internal/jwks.json' }`
 * or a file path. Only `kty: OKP`, `crv: Ed25519` keys with a `kid` are taken; `status` may be
 * given as the JWK member `"status": "retired"`. URLs are fetched on load and on `reload()`, never
 * because a message named a key.
 */
export function jwksTrustProvider(documents: Readonly<Record<string, string>>): TrustProvider {
  return {
    source: `JWKS of ${Object.keys(documents).join(', ')}`,
    load: async () => {
      const entries: TrustedKeyEntry[] = [];
      for (const [entity, location] of Object.entries(documents)) {
        const document = /^https?:\/\//.test(location) ? await fetchJson(location) : readJson(location);
        const keys = (document as { keys?: unknown }).keys;
        if (!Array.isArray(keys)) throw new SigningKeyError(location, 'is not a JWKS document: it has no "keys" array');
        for (const jwk of keys as (JsonWebKey & { kid?: string; status?: 'active' | 'retired' })[]) {
          if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.kid !== 'string') continue;
          entries.push({
            entity,
            kid: jwk.kid,
            alg: 'ed25519',
            key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
            status: jwk.status,
          });
        }
      }
      return entries;
    },
  };
}

function entriesOf(document: unknown, source: string): TrustedKeyEntry[] {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys))
    throw new SigningKeyError(
      source,
      'has no "keys" array: write { "keys": [{ "entity", "kid", "key" }] } (`pnpm keys` does)',
    );
  return keys as TrustedKeyEntry[];
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SigningKeyError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it, e.g. with \`pnpm keys\``,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SigningKeyError(path, `is not JSON: ${(error as Error).message}`);
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch((error: Error) => {
    throw new SigningKeyError(
      url,
      `cannot be fetched (${error.message}): check the address and that the service is up`,
    );
  });
  if (!response.ok) throw new SigningKeyError(url, `answered HTTP ${response.status}`);
  return (await response.json()) as unknown;
}
