import { AuthorizationOptions } from './authorization-options.interface';
import { MessagePolicy } from './message-policy.interface';
import { denyAll } from './policies';

const NO_POLICY = denyAll('the handler has no policy and authorization denies by default');

/**
 * The policy a handler runs under, decided once at registration: its own, else the module's
 * default, else a deny under `denyByDefault`, else none (and the dispatcher skips authorization).
 */
export function handlerPolicy(
  own: MessagePolicy | undefined,
  options: AuthorizationOptions | undefined,
): MessagePolicy | undefined {
  if (own !== undefined) return own;
  if (options?.default !== undefined) return options.default;
  return options?.denyByDefault === true ? NO_POLICY : undefined;
}
