import { StageRegistry } from '../../codec/chain/stage-registry';
import { CHAIN_SEPARATOR } from '../../codec/chain/chain-name';
import type { DeduplicationStore } from '../../deduplication/deduplication-store.interface';
import type { HandlerDefinition } from '../../dispatcher/handler-definition.interface';
import { Envelope } from '../../interfaces/envelope.interface';
import type { DeliveryInfo } from '../../transports/transport.interface';
import { SecurityAudit } from '../audit/security-audit';
import { SecurityEventName } from '../audit/security-event';
import { EncryptionRequiredError } from '../errors/encryption-required.error';
import { MessageStaleError } from '../errors/message-stale.error';
import { SecurityRejectionError } from '../errors/security-rejection.error';
import { SignatureInvalidError } from '../errors/signature-invalid.error';
import { SignatureMissingError } from '../errors/signature-missing.error';
import { SigningKeyRetiredError } from '../errors/signing-key-retired.error';
import { SigningKeyUnknownError } from '../errors/signing-key-unknown.error';
import { SignatureVerifier } from '../signing/signature-verifier';
import { TrustStore } from '../trust/trust-store';
import { MessageSecurity, UNVERIFIED, UNVERIFIED_ENCRYPTED } from './message-security';
import {
  DEFAULT_FRESHNESS_MS,
  ReceivePolicy,
  ResolvedReceivePolicy,
  resolveReceivePolicy,
} from './receive-policy.interface';

/** One envelope's verification: what it proved, or the signature failure that refuses it. */
export interface Inspection {
  readonly security: MessageSecurity;
  readonly failure?: SecurityRejectionError;
}

export interface ReceiveSecurityOptions {
  readonly trust?: TrustStore;
  readonly receive?: ReceivePolicy;
  readonly audit: SecurityAudit;
  readonly stages: StageRegistry;
  readonly replayStore: DeduplicationStore;
  readonly replaySize?: number;
}

/**
 * The receive-side checks, in the order the design requires and before any byte of the payload
 * is decoded: the signature (once per envelope), then each handler's policy (signed, encrypted,
 * algorithms) and freshness. The processed-set check runs around the handler call (`replayStore`).
 */
export class ReceiveSecurity {
  readonly audit: SecurityAudit;
  readonly replayStore: DeduplicationStore;
  readonly replaySize: number | undefined;
  private readonly verifier?: SignatureVerifier;
  private readonly policies = new WeakMap<HandlerDefinition, ResolvedReceivePolicy>();
  private readonly encryptedChains = new Map<string, boolean>();

  constructor(private readonly options: ReceiveSecurityOptions) {
    this.audit = options.audit;
    this.replayStore = options.replayStore;
    this.replaySize = options.replaySize;
    if (options.trust !== undefined) this.verifier = new SignatureVerifier(options.trust);
  }

  get trust(): TrustStore | undefined {
    return this.options.trust;
  }

  /** The policy of a handler: its subscription's fields over its class's over the module's. */
  policyOf(definition: HandlerDefinition): ResolvedReceivePolicy {
    let policy = this.policies.get(definition);
    if (policy === undefined) {
      policy = resolveReceivePolicy(this.options.receive, definition.messageType.receive, definition.receive);
      this.policies.set(definition, policy);
    }
    return policy;
  }

  /** Verifies the envelope's signature when it has one and a trust store is configured. */
  inspect(envelope: Envelope, now = Date.now()): Inspection {
    const encrypted = this.isEncrypted(envelope.header.serializer);
    if (envelope.header.signature === undefined || this.verifier === undefined)
      return { security: encrypted ? UNVERIFIED_ENCRYPTED : UNVERIFIED };
    try {
      const signer = this.verifier.verify(envelope, now);
      return { security: { verified: true, signer, encrypted } };
    } catch (error) {
      if (!(error instanceof SecurityRejectionError)) throw error;
      return { security: encrypted ? UNVERIFIED_ENCRYPTED : UNVERIFIED, failure: error };
    }
  }

  /**
   * Whether a signature failure may pass in `report` mode: a key the store does not (or no
   * longer) holds is what a rollout looks like; a signature that does not match is a forgery.
   */
  reportable(failure: SecurityRejectionError): boolean {
    return failure instanceof SigningKeyUnknownError || failure instanceof SigningKeyRetiredError;
  }

  /**
   * What refuses the message for this handler, or nothing. In `report` mode a refusal is audited
   * (mode `report`) and nothing is returned.
   */
  screen(
    definition: HandlerDefinition,
    envelope: Envelope,
    inspection: Inspection,
    transport: string,
    delivery: DeliveryInfo,
    operatorReplay: boolean,
    now = Date.now(),
  ): SecurityRejectionError | undefined {
    const policy = this.policyOf(definition);
    const refusal = this.refusal(policy, envelope, inspection, delivery, operatorReplay, now);
    if (refusal === undefined) return undefined;
    if (policy.mode === 'report') {
      // The signature's own failure was audited once for the envelope; this handler adds no news.
      if (refusal !== inspection.failure)
        this.report(refusal, envelope, transport, inspection.security, 'report', definition.id);
      return undefined;
    }
    return refusal;
  }

  /** Audits one refusal (or an informational event) before the message is dead-lettered. */
  report(
    error: SecurityRejectionError | { event: SecurityEventName; message: string; code?: string },
    envelope: Envelope,
    transport: string,
    security: MessageSecurity,
    mode: 'enforce' | 'report',
    handlerId?: string,
  ): void {
    this.audit.emitFor(error.event, error, envelope, transport, { mode, handlerId, verified: security.verified });
  }

  private refusal(
    policy: ResolvedReceivePolicy,
    envelope: Envelope,
    inspection: Inspection,
    delivery: DeliveryInfo,
    operatorReplay: boolean,
    now: number,
  ): SecurityRejectionError | undefined {
    const { header } = envelope;
    const { security } = inspection;
    if (policy.requireSigned && !security.verified)
      return inspection.failure ?? new SignatureMissingError(header.messageClass, header.from);
    if (
      security.verified &&
      policy.allowedAlgorithms !== undefined &&
      !policy.allowedAlgorithms.includes(security.signer!.alg)
    )
      return new SignatureInvalidError(
        header.from,
        security.signer!.kid,
        `${security.signer!.alg} is not an algorithm this receiver accepts`,
      );
    if (policy.requireEncrypted && !security.encrypted)
      return new EncryptionRequiredError(header.messageClass, header.serializer);
    if (security.verified && !operatorReplay) {
      const windowMs = policy.freshnessMs ?? (delivery.redelivers === true ? false : DEFAULT_FRESHNESS_MS);
      if (windowMs !== false) {
        const skew = now - Date.parse(header.sentAt as string);
        if (Math.abs(skew) > windowMs)
          return new MessageStaleError(
            header.sentAt,
            windowMs,
            skew > 0 ? `${skew} ms ago` : `${-skew} ms ahead of this clock`,
          );
      }
    }
    return undefined;
  }

  private isEncrypted(chain: string): boolean {
    let encrypted = this.encryptedChains.get(chain);
    if (encrypted === undefined) {
      encrypted = chain
        .split(CHAIN_SEPARATOR)
        .slice(1)
        .some((name) => this.options.stages.find(name)?.kind === 'encryption');
      // Chains are the sender's to choose: remember only a bounded number.
      if (this.encryptedChains.size < 256) this.encryptedChains.set(chain, encrypted);
    }
    return encrypted;
  }
}
