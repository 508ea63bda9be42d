export { Authorize } from './authorize.decorator';
export { allowAll, denyAll, allowFrom, allowVerifiedFrom, allOf, anyOf } from './policies';
export { MessageUnauthorizedError } from './message-unauthorized.error';
export type { MessagePolicy, MessagePolicyRequest, MessagePolicyDecision } from './message-policy.interface';
export type { AuthorizationOptions } from './authorization-options.interface';
