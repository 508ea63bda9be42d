import { createKeysFileIfMissing, keysFileOf, newKey, readKeys, writeKeys } from './sample-keys';

/**
 * `pnpm keys`: the sample's keys file and its rotation (docs/security.md). Run with no argument
 * it creates the file with a primary key; then, one step per deploy:
 *   `pnpm keys add`          a new key, decrypt-only (ship it to every service)
 *   `pnpm keys promote KID`  make KID primary, the old primary decrypt-only
 *   `pnpm keys retire KID`   refuse messages under KID from now on
 */
function main(argv: readonly string[]): void {
  const path = keysFileOf(process.env);
  const [command, kid] = argv;
  if (command === undefined) {
    console.log(createKeysFileIfMissing(path) ? `Created ${path}` : `${path} exists; rotate with \`pnpm keys add\``);
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

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
