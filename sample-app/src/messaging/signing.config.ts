import { Logger } from '@nestjs/common';
import { SecurityOptions, TrustStore, fileTrustProvider } from '@smart-message/nestjs';
import { SERVICE_NAMES } from '../services/service-name';
import { WHOLE_SHOP_ENTITY } from '../services/selected-services';
import { createSigningKeysFileIfMissing, readSigningKeys, signingKeysFileOf } from './signing-keys';

/**
 * The sample's `security` option: the process signs every message as its entity and as each
 * service it runs, and trusts the public keys of the signing keys file (`pnpm keys`), which it
 * creates on first start. Payment classes require signed, encrypted messages (their `receive`).
 */
export function sampleSecurity(env: NodeJS.ProcessEnv, entity: string): SecurityOptions {
  const path = signingKeysFileOf(env);
  if (createSigningKeysFileIfMissing(path))
    new Logger('SampleKeys').warn(
      `No signing keys file: created ${path} with a key for every sample entity. Copy it to every service, ` +
        'or create one yourself with `pnpm keys`',
    );
  const publishesAs = new Set([entity, ...entity.split('+'), ...(entity === WHOLE_SHOP_ENTITY ? SERVICE_NAMES : [])]);
  const identities = readSigningKeys(path).identities.filter((identity) => publishesAs.has(identity.entity));
  return { identities, trust: TrustStore.from(fileTrustProvider(path)) };
}
