import { SerializerNotAllowedError } from '../../codec/chain/serializer-not-allowed.error';
import { DecompressionLimitError } from '../../codec/compression/decompression-limit.error';
import { DecryptionFailedError } from '../../codec/encryption/decryption-failed.error';
import { KeyNotFoundError } from '../../codec/encryption/key-not-found.error';
import { KeyRetiredError } from '../../codec/encryption/key-retired.error';
import { RecipientKeyNotFoundError } from '../../codec/encryption/recipient/recipient-key-not-found.error';
import { SecurityEventName } from './security-event';

/** The security event a payload decode failure is, if any: decryption, chain and inflation refusals are; a bad JSON text is not. */
export function securityEventOfDecodeFailure(error: unknown): SecurityEventName | undefined {
  if (error instanceof DecryptionFailedError) return 'sm_crypt_decrypt_fail';
  // A payload wrapped to another recipient's key is, to this service, under a key it does not have.
  if (error instanceof KeyNotFoundError || error instanceof RecipientKeyNotFoundError) return 'sm_crypt_key_not_found';
  if (error instanceof KeyRetiredError) return 'sm_key_retired_used';
  if (error instanceof SerializerNotAllowedError) return 'sm_policy_violation';
  // A sender can only build one on purpose: no honest payload compresses 1000 to 1 past the limit.
  if (error instanceof DecompressionLimitError) return 'sm_decompression_limit';
  return undefined;
}
