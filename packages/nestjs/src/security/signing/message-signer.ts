import { KeyObject, createHmac, sign } from 'node:crypto';
import { EncodedPayload } from '../../interfaces/envelope.interface';
import { MessageHeader } from '../../interfaces/message-header.interface';
import { IdentityNotDeclaredError } from '../errors/identity-not-declared.error';
import { SigningKeyError } from '../errors/signing-key.error';
import { signingKey } from '../trust/key-material';
import { SignatureAlgorithm } from './signature-algorithm';
import { SIGNING_KID, formatSignatureBlock } from './signature-block';
import { signedBytes } from './signed-bytes';
import { SigningIdentity } from './signing-identity.interface';

interface UsableIdentity {
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  readonly key: KeyObject;
}

/**
 * Signs what this app publishes, as the identities it declared. `publish` refuses a `from`
 * outside them before anything is encoded.
 */
export class MessageSigner {
  private readonly identities = new Map<string, UsableIdentity>();

  constructor(identities: readonly SigningIdentity[], source = 'security.identities') {
    for (const identity of identities) {
      const where = `${source}, identity ${JSON.stringify(identity.entity)}`;
      if (!SIGNING_KID.test(identity.kid))
        throw new SigningKeyError(where, 'the key id is not 1–64 letters, digits, ".", "_", ":" or "-"');
      if (this.identities.has(identity.entity))
        throw new SigningKeyError(where, 'is declared twice: give each entity one signing key');
      const alg = identity.alg ?? 'ed25519';
      this.identities.set(identity.entity, {
        kid: identity.kid,
        alg,
        key: signingKey(identity.privateKey, alg, where),
      });
    }
  }

  /** The entities this app may publish as. */
  get entities(): string[] {
    return [...this.identities.keys()];
  }

  /** Throws `IdentityNotDeclaredError` unless the app declared `from`. */
  assertIdentity(from: string): void {
    if (!this.identities.has(from)) throw new IdentityNotDeclaredError(from, this.entities);
  }

  /**
   * Sets `sentAt` and `signature` on the sealed envelope's header: call after the payload is
   * encoded (and encrypted), since the signature covers its exact bytes.
   */
  sign(header: MessageHeader, payload: EncodedPayload): void {
    const identity = this.identities.get(header.from);
    if (identity === undefined) throw new IdentityNotDeclaredError(header.from, this.entities);
    header.sentAt = new Date().toISOString();
    header.signature = formatSignatureBlock(identity.alg, identity.kid, this.signatureOf(header, identity, payload));
  }

  private signatureOf(header: MessageHeader, identity: UsableIdentity, payload: EncodedPayload): Uint8Array {
    const bytes = signedBytes(header, identity.alg, identity.kid, payload);
    return identity.alg === 'hs256'
      ? createHmac('sha256', identity.key).update(bytes).digest()
      : sign(null, bytes, identity.key);
  }
}
