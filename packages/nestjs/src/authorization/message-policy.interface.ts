/**
 * What a `MessagePolicy` sees of one delivery to one handler: the header fields, the transport
 * and the payload as the handler will get it (decoded and validated).
 */
export interface MessagePolicyRequest<T extends object = object> {
  /** The routing name of the message type, as in the header. */
  readonly messageClass: string;
  readonly version: number;
  /** The sender the header claims. See `verified`. */
  readonly from: string;
  readonly to: string | undefined;
  /**
   * Whether `from` was proven by a signature checked against the trust store (module option
   * `security.trust`). Without it a rule on `from` is routing (it keeps honest services apart),
   * not security, since anyone who can write to the broker can claim any sender.
   */
  readonly verified: boolean;
  /** The validated message instance the handler would receive. */
  readonly payload: T;
  /** The handler the message is about to reach (`ClassName.methodName` for discovered ones). */
  readonly handlerId: string;
  /** The configured transport's name the message arrived on. */
  readonly transport: string;
}

/** A policy's answer: `true` allows; `false` or `{ allow: false, reason }` denies, the reason kept in the dead letter. */
export type MessagePolicyDecision = boolean | { readonly allow: boolean; readonly reason?: string };

/**
 * Decides whether one handler may receive one message. Evaluated by the dispatcher after the
 * payload is decoded and validated, before the handler runs. Synchronous on purpose: it runs per
 * handler call, and a lookup belongs in a guard or the handler. A throw or a returned promise is
 * a deny (fail closed).
 */
export type MessagePolicy<T extends object = object> = (request: MessagePolicyRequest<T>) => MessagePolicyDecision;
