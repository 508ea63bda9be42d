import { AnyAbility } from '@casl/ability';
import { MessagePolicyRequest } from '@smart-message/nestjs';

/**
 * Who the ability is built for: the sender of one message. `entity` is `undefined` for an
 * anonymous sender, which is what an unverified sender becomes under `identity: 'verified'`.
 */
export interface CaslSender {
  /** The sender's entity, or `undefined` when it is to be judged as anonymous. */
  readonly entity: string | undefined;
  /** Whether `entity` was proven by a signature checked against the trust store. */
  readonly verified: boolean;
}

/**
 * Builds (or, better, looks up) the CASL ability of one sender. Called for every message the
 * policy judges, so keep abilities built once per entity and return them from a `Map`: a plain
 * object indexed by `entity` would answer `"constructor"` or `"__proto__"` with something that
 * is not an ability.
 */
export type CaslAbilityFactory<T extends object = object> = (
  sender: CaslSender,
  request: MessagePolicyRequest<T>,
) => AnyAbility;

/** Options of `caslPolicy()`. */
export interface CaslPolicyOptions {
  /** The CASL action a message must be allowed (default `'handle'`). */
  action?: string;
  /**
   * Which sender the ability is built for. `'claimed'` (the default): the header's `from`, signed
   * or not, which is routing, not security, since anyone with broker access can claim any
   * sender. `'verified'`: `from` only when its signature verified; any other message is judged
   * by the ability of an anonymous sender (`entity: undefined`).
   */
  identity?: 'claimed' | 'verified';
  /**
   * Apply field rules (`can('handle', 'PaymentRequested', ['amount', 'currency'])`) to the
   * payload's top-level fields: a message carrying a field no rule permits is denied (default
   * true). Abilities without field rules cost nothing extra.
   */
  checkFields?: boolean;
}
