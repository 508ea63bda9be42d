import { randomBytes } from 'node:crypto';
import { KeyEntry, MessageBusOptions, TrustStore, aes256gcm, generateSigningKey } from '@smart-message/nestjs';

/** What a row adds to the plain bus: nothing, a signature, encryption, or both. */
export type SecurityVariant = 'plain' | 'signed' | 'encrypted' | 'signed-encrypted';

export const SECURITY_VARIANTS: readonly SecurityVariant[] = ['plain', 'signed', 'encrypted', 'signed-encrypted'];

export const VARIANT_LABELS: Readonly<Record<SecurityVariant, string>> = {
  plain: 'plain',
  signed: 'signed (Ed25519)',
  encrypted: 'encrypted (a256gcm)',
  'signed-encrypted': 'signed + encrypted',
};

/** The entity every benchmark bus publishes as and trusts: one bus signs, sends to itself and verifies. */
export const BENCH_ENTITY = 'bench';

/** The keys of one run, shared by the buses that must read each other's messages. */
export interface VariantKeys {
  readonly encryption: KeyEntry[];
  readonly signing: ReturnType<typeof generateSigningKey>;
}

/** New keys, made once per worker process. */
export function createVariantKeys(): VariantKeys {
  return {
    encryption: [{ kid: 'bench-1', key: randomBytes(32), status: 'primary' }],
    signing: generateSigningKey(BENCH_ENTITY, 'bench-sig-1'),
  };
}

/**
 * The bus options of a variant, as a service configures them: `security.identities` and a trust
 * store holding the same entity's public key for signing, `json+a256gcm` as the module-wide chain
 * with its key for encryption, and a receive policy that requires what the variant sends, so the
 * receiver runs every check it would in production.
 */
export function variantBusOptions(variant: SecurityVariant, keys: VariantKeys): Partial<MessageBusOptions> {
  const signs = variant === 'signed' || variant === 'signed-encrypted';
  const encrypts = variant === 'encrypted' || variant === 'signed-encrypted';
  const options: Partial<MessageBusOptions> = {};
  if (encrypts) {
    options.stages = [aes256gcm({ keys: keys.encryption })];
    options.serializer = 'json+a256gcm';
  }
  if (signs || encrypts) {
    options.security = {
      ...(signs ? { identities: [keys.signing.identity], trust: new TrustStore([keys.signing.trusted]) } : {}),
      receive: { requireSigned: signs, requireEncrypted: encrypts },
    };
  }
  return options;
}
