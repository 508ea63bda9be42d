export { caslPolicy } from './casl-policy';
export type { CaslAbilityFactory, CaslPolicyOptions, CaslSender } from './casl-policy-options.interface';
export { CaslAbilityError } from './errors/casl-ability.error';
export { CaslPolicyOptionsError } from './errors/casl-policy-options.error';
