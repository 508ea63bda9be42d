/**
 * The signature algorithms a trust store entry may name. `ed25519` (asymmetric) is the default:
 * only the holder of the private key can sign as the entity. `hs256` (HMAC-SHA256 with a shared
 * secret) proves the sender only when the secret is shared by exactly one pair of services:
 * every holder of it can sign as any entity that uses it, so configure it per pair or not at all.
 */
export const SIGNATURE_ALGORITHMS = ['ed25519', 'hs256'] as const;

export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export function isSignatureAlgorithm(value: unknown): value is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly unknown[]).includes(value);
}
