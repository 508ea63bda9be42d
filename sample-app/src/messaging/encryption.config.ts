import { Logger } from '@nestjs/common';
import { Aes256GcmStage, aes256gcm, fileKeyProvider } from '@smart-message/nestjs';
import { createKeysFileIfMissing, keysFileOf } from './sample-keys';

/**
 * The `a256gcm` stage the payment messages are encrypted with, keys from the file `pnpm keys`
 * writes (`SAMPLE_KEYS_FILE`, default `.smart-message/keys.json`). Without one, the sample
 * creates it and warns, so `pnpm start` on a fresh clone still runs, and services started from
 * the same directory share it; services on other machines need a copy of the same file.
 */
export function paymentEncryption(env: NodeJS.ProcessEnv): Aes256GcmStage {
  const path = keysFileOf(env);
  if (createKeysFileIfMissing(path))
    new Logger('SampleKeys').warn(
      `No keys file: created ${path} with a new primary key. Copy it to every service that reads payment ` +
        'messages, or create one yourself with `pnpm keys`',
    );
  return aes256gcm({ keys: fileKeyProvider(path) });
}
