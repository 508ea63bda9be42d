/**
 * What receipt does with payload properties the message class does not declare (a property is
 * declared when it carries at least one class-validator decorator; `@Allow()` declares one without
 * a rule). `strip` (default) drops them, as class-validator's `whitelist` does; `refuse` fails
 * validation, so the message is dead-lettered as `invalid` (`forbidNonWhitelisted`); `keep` hands
 * them to the handler. A class with no class-validator rule at all has no schema: its properties
 * are kept. Applies only while receipt validates (`validateOnReceive`).
 */
export type UnknownPropertiesPolicy = 'strip' | 'refuse' | 'keep';

export const UNKNOWN_PROPERTIES_POLICIES: readonly UnknownPropertiesPolicy[] = ['strip', 'refuse', 'keep'];
