import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KeyEntry, KeyStatus } from '@smart-message/nestjs';

/** Where the sample keeps its keys unless `SAMPLE_KEYS_FILE` says otherwise: beside its dead letters, ignored by git. */
export const DEFAULT_SAMPLE_KEYS_FILE = '.smart-message/keys.json';

/** One key as the keys file holds it: the keyring JSON that `fileKeyProvider` reads. */
export interface StoredKey {
  kid: string;
  key: string;
  status: KeyStatus;
}

export function keysFileOf(env: NodeJS.ProcessEnv): string {
  return resolve(env.SAMPLE_KEYS_FILE || DEFAULT_SAMPLE_KEYS_FILE);
}

/** A new key named by the time it was made (never by its bytes), so ids sort by age. */
export function newKey(status: KeyStatus): StoredKey {
  const kid = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return { kid, key: randomBytes(32).toString('base64'), status };
}

export function readKeys(path: string): StoredKey[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { keys: StoredKey[] }).keys;
}

/** Replaces the file whole (write aside, then rename), readable by its owner only. */
export function writeKeys(path: string, keys: readonly StoredKey[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(aside, path);
}

/**
 * Creates the keys file with one primary key unless it exists, and says whether it did. Services
 * started together from one directory share one key (see `createFileIfMissing`).
 */
export function createKeysFileIfMissing(path: string): boolean {
  return createFileIfMissing(path, `${JSON.stringify({ keys: [newKey('primary')] }, null, 2)}\n`);
}

/**
 * Creates a file readable by its owner only unless it exists, and says whether it did. It appears
 * whole or not at all (written aside, then hard-linked into place, which fails if another process
 * got there first), so processes started together agree on one content.
 */
export function createFileIfMissing(path: string, contents: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.new`;
  writeFileSync(aside, contents, { mode: 0o600 });
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

/** The entries `aes256gcm({ keys })` takes, for a file already read. */
export function toKeyEntries(keys: readonly StoredKey[]): KeyEntry[] {
  return keys.map(({ kid, key, status }) => ({ kid, key: Buffer.from(key, 'base64'), status }));
}
