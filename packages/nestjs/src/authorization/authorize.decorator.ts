import { SetMetadata } from '@nestjs/common';
import { AUTHORIZE_METADATA } from './authorization.constants';
import { MessagePolicy } from './message-policy.interface';

/**
 * The `MessagePolicy` of a message handler, or of every handler of a class (a method's own wins).
 * Only writes metadata: the handler explorer reads it, and the dispatcher evaluates the policy
 * after validation, before the handler. A deny skips this handler only and dead-letters the
 * message as `unauthorized`.
 */
export function Authorize<T extends object = object>(policy: MessagePolicy<T>): MethodDecorator & ClassDecorator {
  return SetMetadata(AUTHORIZE_METADATA, policy);
}
