import { readFileSync } from 'node:fs';
import { EncryptionKeyError } from './encryption-key.error';

/** A key file's text; a file that cannot be read is an `EncryptionKeyError` that says how to create it. */
export function readKeyFile(path: string, source: string, howToCreate: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new EncryptionKeyError(
      source,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ${howToCreate}`,
      { cause: error },
    );
  }
}
