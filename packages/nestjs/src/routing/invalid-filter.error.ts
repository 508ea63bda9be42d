import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A `@Subscribe` filter that cannot be matched: a `from` or `to` element that is neither a string
 * nor a RegExp, or a `broadcast` that is not a boolean. Thrown while handlers are registered, so a
 * bad filter stops startup instead of silently matching nothing.
 */
export class InvalidFilterError extends SmartMessageError {
  readonly code = 'SM_INVALID_FILTER' as const;
}
