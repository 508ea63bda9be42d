import { SmartMessageError } from '../errors/smart-message.error';

/**
 * `request()` got no accepted reply within `RequestOptions.timeoutMs` (default
 * `DEFAULT_REQUEST_TIMEOUT_MS`, 5000). Replies from an entity the request did not address do not count: they are
 * reported as `unexpected-reply` and the request keeps waiting until this error.
 */
export class RequestTimeoutError extends SmartMessageError {
  readonly code = 'SM_REQUEST_TIMEOUT' as const;

  constructor(
    readonly messageClass: string,
    readonly uuid: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to ${messageClass} ${uuid} within ${timeoutMs} ms`);
  }

  /** @deprecated Since 0.2: the routing name is `messageClass` everywhere, as in the header. */
  get messageType(): string {
    return this.messageClass;
  }
}
