import { generateSigningKey } from '@smart-message/nestjs';
import {
  addRecipientKey,
  promoteRecipientKey,
  readRecipientKeys,
  recipientKeysFileOf,
  retireRecipientKey,
  writeRecipientKeys,
} from './recipient-keys';
import { createKeysFileIfMissing, keysFileOf, newKey, readKeys, writeKeys } from './sample-keys';
import {
  createSigningKeysFileIfMissing,
  readSigningKeys,
  signingKeysFileOf,
  signingKid,
  writeSigningKeys,
} from './signing-keys';

/**
 * `pnpm keys`: the sample's keys file and its rotation (docs/security.md). Run with no argument
 * it creates the file with a primary key; then, one step per deploy:
 *   `pnpm keys add`          a new key, decrypt-only (ship it to every service)
 *   `pnpm keys promote KID`  make KID primary, the old primary decrypt-only
 *   `pnpm keys retire KID`   refuse messages under KID from now on
 * and for the signing keys file (`SAMPLE_SIGNING_KEYS_FILE`, default `.smart-message/signing-keys.json`):
 *   `pnpm keys sign-rotate ENTITY`  a new signing key for ENTITY; receivers trust old and new
 *   `pnpm keys sign-retire KID`     refuse signatures by KID from now on
 * and for the recipient (x25519) keys file (`SAMPLE_RECIPIENT_KEYS_FILE`, default `.smart-message/recipient-keys.json`):
 *   `pnpm keys recipient ENTITY`       a key pair for ENTITY: its first is primary; a later one decrypt-only
 *   `pnpm keys recipient-promote KID`  senders wrap to KID, the old primary becomes decrypt-only
 *   `pnpm keys recipient-retire KID`   refuse messages wrapped to KID from now on
 */
function main(argv: readonly string[]): void {
  const path = keysFileOf(process.env);
  const [command, kid] = argv;
  if (command === undefined) {
    console.log(createKeysFileIfMissing(path) ? `Created ${path}` : `${path} exists; rotate with \`pnpm keys add\``);
    const signing = signingKeysFileOf(process.env);
    console.log(
      createSigningKeysFileIfMissing(signing)
        ? `Created ${signing}`
        : `${signing} exists; rotate with \`pnpm keys sign-rotate ENTITY\``,
    );
    return;
  }
  if (command === 'sign-rotate' || command === 'sign-retire') {
    signingKeys(command, kid);
    return;
  }
  if (command === 'recipient' || command === 'recipient-promote' || command === 'recipient-retire') {
    recipientKeys(command, kid);
    return;
  }
  const keys = readKeys(path);
  const named = keys.find((key) => key.kid === kid);
  if (command === 'add') {
    const key = newKey('decrypt-only');
    if (keys.some((existing) => existing.kid === key.kid)) throw new Error(`A key "${key.kid}" exists: wait a second`);
    keys.push(key);
    console.log(
      `Added "${key.kid}" as decrypt-only: deploy the file everywhere, then \`pnpm keys promote ${key.kid}\``,
    );
  } else if (command === 'promote' && named !== undefined) {
    for (const key of keys) if (key.status === 'primary') key.status = 'decrypt-only';
    named.status = 'primary';
    console.log(`"${kid}" is primary; retire the old key once no frame under it can still be delivered`);
  } else if (command === 'retire' && named !== undefined && named.status !== 'primary') {
    named.status = 'retired';
    console.log(`"${kid}" is retired: messages under it are refused`);
  } else {
    throw new Error(
      `Usage: pnpm keys [add | promote KID | retire KID]; ${kid === undefined ? '' : `"${kid}" is not a key that can be ${command}d; `}` +
        `keys: ${keys.map((key) => `${key.kid} (${key.status})`).join(', ')}`,
    );
  }
  writeKeys(path, keys);
}

/** Rotation of the signing keys file: a new key signs at once, the old one still verifies until retired. */
function signingKeys(command: 'sign-rotate' | 'sign-retire', argument: string | undefined): void {
  const path = signingKeysFileOf(process.env);
  const file = readSigningKeys(path);
  if (command === 'sign-rotate') {
    const identity = file.identities.find((candidate) => candidate.entity === argument);
    if (identity === undefined)
      throw new Error(
        `Usage: pnpm keys sign-rotate ENTITY; entities: ${file.identities.map((i) => i.entity).join(', ')}`,
      );
    const { identity: fresh, trusted } = generateSigningKey(identity.entity, signingKid(identity.entity));
    if (file.keys.some((existing) => existing.kid === fresh.kid))
      throw new Error(`A key "${fresh.kid}" exists: wait a second`);
    file.identities[file.identities.indexOf(identity)] = fresh;
    file.keys.push({ ...trusted, alg: 'ed25519', status: 'active' });
    console.log(
      `"${identity.entity}" signs with "${fresh.kid}" once restarted; "${identity.kid}" still verifies: ` +
        `\`pnpm keys sign-retire ${identity.kid}\` when nothing signed with it can still arrive`,
    );
  } else {
    const key = file.keys.find((candidate) => candidate.kid === argument);
    if (key === undefined || file.identities.some((identity) => identity.kid === argument))
      throw new Error(`Usage: pnpm keys sign-retire KID, for a key no identity signs with any more`);
    key.status = 'retired';
    console.log(`"${argument}" is retired: signatures by it are refused`);
  }
  writeSigningKeys(path, file);
}

/** The recipient keys file: a pair per receiving entity, rotated in the same three phases as the shared keys. */
function recipientKeys(
  command: 'recipient' | 'recipient-promote' | 'recipient-retire',
  argument: string | undefined,
): void {
  const path = recipientKeysFileOf(process.env);
  const file = readRecipientKeys(path);
  if (argument === undefined || argument === '')
    throw new Error(
      `Usage: pnpm keys ${command} ${command === 'recipient' ? 'ENTITY' : 'KID'}; keys: ` +
        (file.privateKeys.map((key) => `${key.kid} of ${key.entity} (${key.status})`).join(', ') || '(none)'),
    );
  const next =
    command === 'recipient'
      ? addRecipientKey(file, argument, signingKid(argument))
      : command === 'recipient-promote'
        ? promoteRecipientKey(file, argument)
        : retireRecipientKey(file, argument);
  writeRecipientKeys(path, file);
  console.log(`${next} (${path})`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
