import { MessagePolicy } from './message-policy.interface';

/** The bus's (and `SmartMessageModule.forRoot()`'s) `authorization` option. */
export interface AuthorizationOptions {
  /** The policy of every handler that has none of its own (`@Authorize()`, `SubscribeOptions.authorize`). */
  default?: MessagePolicy;
  /**
   * Refuse every message to a handler without a policy of its own and without `default`
   * (default false). Exempt a handler with `@Authorize(allowAll)`. The bus's own reply listener
   * is exempt: replies are checked by `replyFrom`.
   */
  denyByDefault?: boolean;
}
