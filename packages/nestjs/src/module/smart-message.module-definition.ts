import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { MessageBus } from '../bus/message-bus';
import { getTransportToken } from '../decorators/inject-transport.decorator';
import { SmartMessageModuleExtras, SmartMessageModuleOptions } from './module-options.interface';

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
      providers: [...(definition.providers ?? []), ...transportProviders],
      exports: [
        ...(definition.exports ?? []),
        ...transportProviders.map((provider) => (provider as { provide: string }).provide),
      ],
    };
  })
  .build();
