import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { MessageBus } from '../bus/message-bus';
import { getTransportToken } from '../decorators/inject-transport.decorator';
import { SmartMessageModuleExtras, SmartMessageModuleOptions } from './module-options.interface';
import { SMART_MESSAGE_OPTIONS_EXTENSION, SmartMessageOptionsExtension } from './options-extension';

/** The options exactly as the application gave them; what everything injects is the extended copy. */
const GIVEN_OPTIONS = Symbol('smart-message:given-options');

/**
 * Moves the builder's options provider to GIVEN_OPTIONS and provides the options token as those
 * options passed through the extension, if a global module provides one: so the bus, the retry
 * interceptor and the dead letter queue all see the same amended options.
 */
function withExtension(providers: Provider[]): Provider[] {
  return [
    ...providers.map((provider) =>
      typeof provider === 'object' && provider.provide === SMART_MESSAGE_MODULE_OPTIONS
        ? { ...provider, provide: GIVEN_OPTIONS }
        : provider,
    ),
    {
      provide: SMART_MESSAGE_MODULE_OPTIONS,
      useFactory: (given: SmartMessageModuleOptions, extension: SmartMessageOptionsExtension | null) =>
        extension ? extension.extend(given) : given,
      inject: [GIVEN_OPTIONS, { token: SMART_MESSAGE_OPTIONS_EXTENSION, optional: true }],
    },
  ];
}

export const {
  ConfigurableModuleClass: ConfigurableSmartMessageModule,
  MODULE_OPTIONS_TOKEN: SMART_MESSAGE_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmartMessageModuleOptions>({ moduleName: 'SmartMessage' })
  .setClassMethodName('forRoot')
  .setExtras<SmartMessageModuleExtras>({ isGlobal: true, transportNames: [] }, (definition, extras) => {
    const transportProviders: Provider[] = (extras.transportNames ?? []).map((name) => ({
      provide: getTransportToken(name),
      useFactory: (bus: MessageBus) => bus.transport(name),
      inject: [MessageBus],
    }));
    return {
      ...definition,
      global: extras.isGlobal,
      providers: [...withExtension(definition.providers ?? []), ...transportProviders],
      exports: [
        ...(definition.exports ?? []),
        ...transportProviders.map((provider) => (provider as { provide: string }).provide),
      ],
    };
  })
  .build();
