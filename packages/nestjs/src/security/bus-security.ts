import { StageRegistry } from '../codec/chain/stage-registry';
import { Aes256GcmStage } from '../codec/encryption/aes256gcm.stage';
import { X25519RecipientStage } from '../codec/encryption/recipient/x25519.stage';
import { MemoryDeduplicationStore } from '../deduplication/memory-deduplication.store';
import { InvalidOptionError } from '../errors';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { MessageObserver } from '../interfaces/message-observer.interface';
import { SecurityAudit } from './audit/security-audit';
import { ReceiveSecurity } from './receive/receive-security';
import { SecurityOptions } from './security-options.interface';
import { MessageSigner } from './signing/message-signer';

const DEFAULT_REPLAY_SIZE = 10_000;

/** A bus's security parts, built once from its `security` option. */
export class BusSecurity {
  readonly audit: SecurityAudit;
  /** Absent: the app declared no identities, and signs nothing. */
  readonly signer?: MessageSigner;
  /** Absent: no trust store and no receive policy, and nothing is verified. */
  readonly receive?: ReceiveSecurity;
  readonly signAll: boolean;

  constructor(
    private readonly options: SecurityOptions | undefined,
    private readonly stages: StageRegistry,
    logger: MessageLogger,
    observers: readonly MessageObserver[],
  ) {
    this.audit = new SecurityAudit(logger, observers, options?.auditLogLimit);
    this.signAll = options?.signAll ?? true;
    if (options === undefined) return;
    if (options.identities !== undefined && options.identities.length > 0)
      this.signer = new MessageSigner(options.identities);
    if (options.receive?.requireSigned === true && options.trust === undefined)
      throw new InvalidOptionError(
        'security',
        'trust',
        undefined,
        'a TrustStore when receive.requireSigned is set (nothing could be verified): e.g. TrustStore.from(fileTrustProvider(path))',
      );
    if (options.trust !== undefined || options.receive !== undefined)
      this.receive = new ReceiveSecurity({
        trust: options.trust,
        receive: options.receive,
        audit: this.audit,
        stages,
        replayStore:
          options.replayStore ?? new MemoryDeduplicationStore({ size: options.replaySize ?? DEFAULT_REPLAY_SIZE }),
        replaySize: options.replaySize ?? DEFAULT_REPLAY_SIZE,
      });
  }

  /**
   * Reads keys again: the trust store from its provider and each encryption stage's keys
   * (a256gcm keyring, x25519 recipient keys) from its key provider, each swapped in one step (on an error the old keys stay). Audited
   * as `sm_key_rotated`.
   */
  async reload(): Promise<void> {
    const kids: string[] = [];
    if (this.options?.trust !== undefined) kids.push(...(await this.options.trust.reload()));
    for (const stage of this.stages.all())
      if (stage instanceof Aes256GcmStage || stage instanceof X25519RecipientStage)
        kids.push(...stage.reload().map(({ kid }) => kid));
    this.audit.emit({
      name: 'sm_key_rotated',
      level: 'info',
      reason: `keys reloaded: ${kids.join(', ') || '(none)'}`,
      mode: 'enforce',
      verified: false,
    });
  }
}
