import { DynamicModule, Module } from '@nestjs/common';
import { MessageBus, SMART_MESSAGE_OPTIONS_EXTENSION } from '@smart-message/nestjs';
import { HandlerFaults } from '../injection/handler-faults';
import { HarnessOptionsExtension } from './harness-options-extension';
import { HarnessRecorder } from './harness-recorder';
import { SmartMessageHarness } from './smart-message-harness';
import { SMART_MESSAGE_TESTING_OPTIONS, SmartMessageTestingOptions } from './testing-options.interface';

/**
 * Import beside the application's module in `Test.createTestingModule({ imports: [AppModule,
 * SmartMessageTestingModule.forRoot()] })`: the bus keeps the application's codec, validation,
 * filters and enhancers, gains the harness's observer and interceptor, and with
 * `replaceTransports` runs every configured transport name on an in-memory `TestTransport`.
 * Global, because the bus's options are read inside `SmartMessageModule`.
 */
@Module({})
export class SmartMessageTestingModule {
  static forRoot(options: SmartMessageTestingOptions = {}): DynamicModule {
    return {
      module: SmartMessageTestingModule,
      global: true,
      providers: [
        { provide: SMART_MESSAGE_TESTING_OPTIONS, useValue: options },
        { provide: HarnessRecorder, useFactory: () => new HarnessRecorder(options.capacity) },
        {
          provide: HandlerFaults,
          useFactory: (recorder: HarnessRecorder) => new HandlerFaults((type) => recorder.nameOf(type)),
          inject: [HarnessRecorder],
        },
        {
          provide: HarnessOptionsExtension,
          useFactory: (recorder: HarnessRecorder, faults: HandlerFaults) =>
            new HarnessOptionsExtension(options, recorder, faults),
          inject: [HarnessRecorder, HandlerFaults],
        },
        { provide: SMART_MESSAGE_OPTIONS_EXTENSION, useExisting: HarnessOptionsExtension },
        {
          provide: SmartMessageHarness,
          useFactory: (...args: ConstructorParameters<typeof SmartMessageHarness>) => new SmartMessageHarness(...args),
          inject: [MessageBus, HarnessRecorder, HarnessOptionsExtension, HandlerFaults, SMART_MESSAGE_TESTING_OPTIONS],
        },
      ],
      exports: [SMART_MESSAGE_OPTIONS_EXTENSION, SmartMessageHarness],
    };
  }
}
