import type { MessageType } from './message-type.interface';
import type { MessagePolicy } from '../authorization/message-policy.interface';
import { AddressFilter } from '../routing/address-filter.interface';
import type { ReceivePolicy } from '../security/receive/receive-policy.interface';

/** Which messages of a type reach a handler, with the original SmartMessage's filter semantics. */
export interface SubscriptionFilters {
  /** The sender must match (AND-ed with the rest). */
  from?: AddressFilter;
  /** The recipient must match; with `broadcast`, either may let a message through. */
  to?: AddressFilter;
  /** Accept messages without a recipient. `false` alone filters nothing, as in the original. */
  broadcast?: boolean;
}

export interface SubscribeOptions<T extends object = object> extends SubscriptionFilters {
  /** Messages this handler runs at once (default 100); 1 keeps publish order. */
  concurrency?: number;
  /**
   * The handler's `MessagePolicy` (for `bus.subscribe()`; on a method, `@Authorize()` says the
   * same). Wins over `@Authorize()` and the module's `authorization.default`.
   */
  authorize?: MessagePolicy<T>;
  /** What this handler requires of messages, over its class's `receive` and the module's `security.receive`. */
  receive?: ReceivePolicy;
  /**
   * The `@Message()` class this handler returns as its reply, for the catalog's AsyncAPI document
   * (`reply` of its `receive` operation). Documentation only: whatever message the handler returns
   * is sent back. A method that returns the class synchronously needs none; the return type says it.
   */
  replyType?: MessageType;
}
