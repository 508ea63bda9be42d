import { readFileSync } from 'node:fs';
import { EncryptionKeyError } from './encryption-key.error';
import { KeyProvider } from './key-provider.interface';
import { parseKeyringJson } from './keyring-json';

/**
 * Keys from a JSON file in the keyring format (`pnpm keys` writes one), read when the stage is
 * built; a rotation step is a new file and a restart. Keep the file readable by the service's
 * user only (mode 0600).
 */
export function fileKeyProvider(path: string): KeyProvider {
  const source = `file ${path}`;
  return {
    source,
    load: () => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new EncryptionKeyError(
          source,
          `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it with \`pnpm keys\``,
          { cause: error },
        );
      }
      return parseKeyringJson(text, source);
    },
  };
}
