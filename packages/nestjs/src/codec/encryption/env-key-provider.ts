import { EncryptionKeyError } from './encryption-key.error';
import { KeyProvider } from './key-provider.interface';
import { parseKeyringJson } from './keyring-json';

/** The variable `envKeyProvider()` reads unless told another. */
export const DEFAULT_KEYS_VARIABLE = 'SMART_MESSAGE_KEYS';

/** Options of `envKeyProvider`. */
export interface EnvKeyProviderOptions {
  /** Default `SMART_MESSAGE_KEYS`. */
  variable?: string;
  /** Default `process.env`; tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Keys from an environment variable holding the keyring JSON
 * (`{"keys":[{"kid":"2026-12","key":"<base64>","status":"primary"}]}`), read when the stage is
 * built. A missing variable is an error: an encrypting service must not start without keys.
 */
export function envKeyProvider(options: EnvKeyProviderOptions = {}): KeyProvider {
  const variable = options.variable ?? DEFAULT_KEYS_VARIABLE;
  const source = `environment variable ${variable}`;
  return {
    source,
    load: () => {
      const text = (options.env ?? process.env)[variable];
      if (text === undefined || text.trim() === '')
        throw new EncryptionKeyError(source, 'is not set: set it to the keyring JSON, e.g. the output of `pnpm keys`');
      return parseKeyringJson(text, source);
    },
  };
}
