import { KeyProvider } from './key-provider.interface';
import { parseKeyringJson } from './keyring-json';
import { readKeyFile } from './read-key-file';

/**
 * Keys from a JSON file in the keyring format (`pnpm keys` writes one), read when the stage is
 * built; a rotation step is a new file and a restart. Keep the file readable by the service's
 * user only (mode 0600).
 */
export function fileKeyProvider(path: string): KeyProvider {
  const source = `file ${path}`;
  return {
    source,
    load: () => parseKeyringJson(readKeyFile(path, source, 'create it with `pnpm keys`'), source),
  };
}
