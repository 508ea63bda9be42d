import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RecipientKeysJson, RecipientPublicKeyJson, generateRecipientKey } from '@smart-message/nestjs';

/** Where the sample keeps its recipient (x25519) keys unless `SAMPLE_RECIPIENT_KEYS_FILE` says otherwise. */
export const DEFAULT_RECIPIENT_KEYS_FILE = '.smart-message/recipient-keys.json';

/**
 * The sample's recipient keys file: the format `fileRecipientKeyProvider` reads, plus the public
 * keys of new pairs not yet handed to senders (`pending`, which the provider ignores). One file
 * for every entity, so one checkout runs every service; in production each recipient keeps its
 * own `privateKeys`, and senders get only `recipients`.
 */
export interface RecipientKeysFile extends RecipientKeysJson {
  recipients: RecipientPublicKeyJson[];
  privateKeys: NonNullable<RecipientKeysJson['privateKeys']>;
  pending: RecipientPublicKeyJson[];
}

export function recipientKeysFileOf(env: NodeJS.ProcessEnv): string {
  return resolve(env.SAMPLE_RECIPIENT_KEYS_FILE || DEFAULT_RECIPIENT_KEYS_FILE);
}

export function readRecipientKeys(path: string): RecipientKeysFile {
  if (!existsSync(path)) return { recipients: [], privateKeys: [], pending: [] };
  const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<RecipientKeysFile>;
  return { recipients: file.recipients ?? [], privateKeys: file.privateKeys ?? [], pending: file.pending ?? [] };
}

/** Replaces the file whole (write aside, then rename), readable by its owner only: it holds private keys. */
export function writeRecipientKeys(path: string, file: RecipientKeysFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(aside, path);
}

/**
 * A new pair for ENTITY. Its first pair is primary at once, its public key in `recipients`. A
 * later one is the first rotation phase: the private key `decrypt-only` (ship it to ENTITY first),
 * its public key pending until `promoteRecipientKey` hands it to senders. Returns what to do next.
 */
export function addRecipientKey(file: RecipientKeysFile, entity: string, kid: string): string {
  if (file.privateKeys.some((key) => key.kid === kid)) throw new Error(`A key "${kid}" exists: wait a second`);
  const first = !file.privateKeys.some((key) => key.entity === entity && key.status !== 'retired');
  const { privateKey, publicKey } = generateRecipientKey(entity, kid, first ? 'primary' : 'decrypt-only');
  file.privateKeys.push(privateKey);
  if (first) {
    file.recipients = [...file.recipients.filter((key) => key.entity !== entity), publicKey];
    return `"${entity}" receives x25519 messages under "${kid}"; senders wrap to it once they read the file`;
  }
  file.pending.push(publicKey);
  return (
    `Added "${kid}" for "${entity}" as decrypt-only: deploy the file to ${entity}, then ` +
    `\`pnpm keys recipient-promote ${kid}\` hands its public key to senders`
  );
}

/** The second phase: KID becomes its entity's primary, its public key the one senders wrap to. */
export function promoteRecipientKey(file: RecipientKeysFile, kid: string): string {
  const key = file.privateKeys.find((candidate) => candidate.kid === kid);
  const publicKey = file.pending.find((candidate) => candidate.kid === kid);
  if (key === undefined || publicKey === undefined || key.status !== 'decrypt-only')
    throw new Error(`Usage: pnpm keys recipient-promote KID, for a key added by \`pnpm keys recipient ENTITY\``);
  for (const other of file.privateKeys)
    if (other.entity === key.entity && other.status === 'primary') other.status = 'decrypt-only';
  key.status = 'primary';
  file.recipients = [...file.recipients.filter((candidate) => candidate.entity !== key.entity), publicKey];
  file.pending = file.pending.filter((candidate) => candidate.kid !== kid);
  return `Senders wrap to "${kid}" once they read the file; retire the old key once nothing wrapped to it can still arrive`;
}

/** The last phase: messages still wrapped to KID are refused. */
export function retireRecipientKey(file: RecipientKeysFile, kid: string): string {
  const key = file.privateKeys.find((candidate) => candidate.kid === kid);
  if (key === undefined || key.status !== 'decrypt-only')
    throw new Error(`Usage: pnpm keys recipient-retire KID, for a decrypt-only recipient key (not the primary)`);
  key.status = 'retired';
  return `"${kid}" is retired: messages wrapped to it are refused`;
}
