import { readKeyFile } from '../read-key-file';
import { RecipientKeyProvider } from './recipient-key-provider.interface';
import { parseRecipientKeysJson } from './recipient-keys-json';

/**
 * Recipient keys from a JSON file (`RecipientKeysJson`), read when the stage is built and on
 * `MessageBus.security.reload()`. A file holding private keys must be readable by the service's
 * user only (mode 0600).
 */
export function fileRecipientKeyProvider(path: string): RecipientKeyProvider {
  const source = `file ${path}`;
  return {
    source,
    load: () =>
      parseRecipientKeysJson(
        readKeyFile(
          path,
          source,
          'create it with generateRecipientKey() (`pnpm keys recipient ENTITY` in the sample app)',
        ),
        source,
      ),
  };
}
