import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SigningIdentity, TrustedKeyStatus, generateSigningKey } from '@smart-message/nestjs';
import { entityOf } from '../services/selected-services';
import { SERVICE_NAMES, ServiceName } from '../services/service-name';
import { createFileIfMissing } from './sample-keys';

/** Where the sample keeps its signing keys unless `SAMPLE_SIGNING_KEYS_FILE` says otherwise. */
export const DEFAULT_SIGNING_KEYS_FILE = '.smart-message/signing-keys.json';

/**
 * The sample's signing keys file: every entity's private key (`identities`) and the public keys
 * every receiver trusts (`keys`, the format `fileTrustProvider` reads). One file, so that
 * `pnpm start` on a fresh clone runs every service; in production each service holds only its
 * own private key, and receivers only the public `keys`.
 */
export interface SigningKeysFile {
  identities: (SigningIdentity & { privateKey: string })[];
  keys: { entity: string; kid: string; alg?: 'ed25519'; key: string; status: TrustedKeyStatus }[];
}

export function signingKeysFileOf(env: NodeJS.ProcessEnv): string {
  return resolve(env.SAMPLE_SIGNING_KEYS_FILE || DEFAULT_SIGNING_KEYS_FILE);
}

/**
 * Every entity a sample process can publish as: each service, and the entity of each mix of
 * services (`orders+payments`, `shop` for all), since messages whose class names no `from`
 * (announcements, notices) go out as the process's entity.
 */
export function sampleEntities(): string[] {
  const entities = new Set<string>();
  const count = SERVICE_NAMES.length;
  for (let mask = 1; mask < 1 << count; mask++)
    entities.add(entityOf(SERVICE_NAMES.filter((_, index) => (mask & (1 << index)) !== 0) as ServiceName[]));
  return [...entities];
}

/** A key id that names the entity and the time, never the key. */
export function signingKid(entity: string): string {
  return `${entity.replace(/[^A-Za-z0-9._:-]/g, '.')}-${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/** Creates the file with a key for every sample entity unless it exists; says whether it did. */
export function createSigningKeysFileIfMissing(path: string): boolean {
  const file: SigningKeysFile = { identities: [], keys: [] };
  for (const entity of sampleEntities()) {
    const { identity, trusted } = generateSigningKey(entity, signingKid(entity));
    file.identities.push(identity);
    file.keys.push({ ...trusted, alg: 'ed25519', status: 'active' });
  }
  return createFileIfMissing(path, `${JSON.stringify(file, null, 2)}\n`);
}

export function readSigningKeys(path: string): SigningKeysFile {
  return JSON.parse(readFileSync(path, 'utf8')) as SigningKeysFile;
}

/** Replaces the file whole (write aside, then rename), readable by its owner only. */
export function writeSigningKeys(path: string, file: SigningKeysFile): void {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(aside, path);
}
