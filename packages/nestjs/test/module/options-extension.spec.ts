import 'reflect-metadata';
import { Global, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  HandlerCall,
  MemoryTransport,
  Message,
  MessageBus,
  MessageObserver,
  Retry,
  SMART_MESSAGE_MODULE_OPTIONS,
  SMART_MESSAGE_OPTIONS_EXTENSION,
  SmartMessageModule,
  SmartMessageModuleOptions,
  SmartMessageOptionsExtension,
  Subscribe,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'OptionsExtension.Flaky' })
class Flaky {
  @IsString() id!: string;
}

@Injectable()
class FlakyHandler {
  calls = 0;

  @Subscribe()
  @Retry({ attempts: 3, backoff: 'fixed', initialDelayMs: 1 })
  onFlaky(_flaky: Flaky): void {
    if (++this.calls < 3) throw new Error(`busy ${this.calls}`);
  }
}

const retries: Array<[number, string, number]> = [];
const observer: MessageObserver = {
  retrying: (call: HandlerCall, error: Error, delayMs: number) => retries.push([call.attempt, error.message, delayMs]),
};
const replacement = new MemoryTransport();
const given: SmartMessageModuleOptions[] = [];

const extension: SmartMessageOptionsExtension = {
  extend: (options) => {
    given.push(options);
    return { ...options, observers: [...(options.observers ?? []), observer], transports: { memory: replacement } };
  },
};

@Global()
@Module({
  providers: [{ provide: SMART_MESSAGE_OPTIONS_EXTENSION, useValue: extension }],
  exports: [SMART_MESSAGE_OPTIONS_EXTENSION],
})
class ExtensionModule {}

describe('SMART_MESSAGE_OPTIONS_EXTENSION', () => {
  it('amends the options the bus and the interceptors read; the observer sees each retry', async () => {
    const original = new MemoryTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'shop',
          transports: { memory: original },
          deadLetters: false,
          logger: false,
        }),
        ExtensionModule,
      ],
      providers: [FlakyHandler],
    }).compile();
    await moduleRef.init();
    try {
      const bus = moduleRef.get(MessageBus);
      expect(given).toHaveLength(1);
      expect(given[0].transports?.memory).toBe(original);
      expect(bus.transport('memory')).toBe(replacement);
      expect(moduleRef.get<SmartMessageModuleOptions>(SMART_MESSAGE_MODULE_OPTIONS).observers).toEqual([observer]);

      await bus.publish(Object.assign(new Flaky(), { id: 'f-1' }));
      await waitFor(() => moduleRef.get(FlakyHandler).calls === 3 && bus.inFlightCount === 0, 'the third call');

      expect(retries).toEqual([
        [1, 'busy 1', 1],
        [2, 'busy 2', 1],
      ]);
    } finally {
      await moduleRef.close();
    }
  });

  it('extends the options forRootAsync() builds', async () => {
    given.length = 0;
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRootAsync({
          useFactory: () => ({ entity: 'shop', deadLetters: false as const, logger: false as const }),
        }),
        ExtensionModule,
      ],
    }).compile();
    await moduleRef.init();
    try {
      expect(given).toHaveLength(1);
      expect(moduleRef.get(MessageBus).transport('memory')).toBe(replacement);
    } finally {
      await moduleRef.close();
    }
  });

  it('changes nothing without a provider', async () => {
    const options = { deadLetters: false as const, logger: false as const };
    const moduleRef = await Test.createTestingModule({ imports: [SmartMessageModule.forRoot(options)] }).compile();
    expect(moduleRef.get(SMART_MESSAGE_MODULE_OPTIONS)).toMatchObject(options);
    await moduleRef.close();
  });
});
