import type { SmartMessageModuleOptions } from './module-options.interface';

/**
 * Token of an optional `SmartMessageOptionsExtension`. A global module that provides and exports
 * it (the test harness of `@smart-message/testing` does) amends the options of
 * `SmartMessageModule.forRoot()`/`forRootAsync()` before the bus, its interceptors and its dead
 * letter queue read them. Without a provider nothing changes.
 */
export const SMART_MESSAGE_OPTIONS_EXTENSION = Symbol.for('smart-message:options-extension');

/**
 * Amends the module options once, at application init: adds observers or enhancers, replaces
 * transports. It returns the options to use; it must not mutate the ones it is given, which the
 * application still holds.
 */
export interface SmartMessageOptionsExtension {
  extend(options: SmartMessageModuleOptions): SmartMessageModuleOptions;
}
