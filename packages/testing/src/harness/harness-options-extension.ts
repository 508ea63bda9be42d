import type { SmartMessageModuleOptions, SmartMessageOptionsExtension, Transport } from '@smart-message/nestjs';
import { TestTransport } from '../injection/test-transport';
import { HandlerFaults } from '../injection/handler-faults';
import { HarnessInterceptor } from './harness-interceptor';
import { HarnessRecorder } from './harness-recorder';
import type { SmartMessageTestingOptions } from './testing-options.interface';

/**
 * Adds the harness to the application's SmartMessage options: its observer last (it sees what
 * the application's observers amended), its interceptor first (outermost), and, when asked, a
 * `TestTransport` under every configured transport name.
 */
export class HarnessOptionsExtension implements SmartMessageOptionsExtension {
  readonly testTransports = new Map<string, TestTransport>();

  constructor(
    private readonly options: SmartMessageTestingOptions,
    private readonly recorder: HarnessRecorder,
    private readonly faults: HandlerFaults,
  ) {}

  extend(given: SmartMessageModuleOptions): SmartMessageModuleOptions {
    const extended: SmartMessageModuleOptions = {
      ...given,
      observers: [...(given.observers ?? []), this.recorder.observer],
      enhancers: {
        ...given.enhancers,
        interceptors: [new HarnessInterceptor(this.recorder, this.faults), ...(given.enhancers?.interceptors ?? [])],
      },
    };
    if (this.options.replaceTransports) {
      // Without `transports` the bus makes one named `memory`: the harness serves that name.
      const names = Object.keys(given.transports ?? { memory: true });
      const transports: Record<string, Transport> = {};
      for (const name of names) {
        const transport = new TestTransport(name, this.recorder);
        this.testTransports.set(name, transport);
        transports[name] = transport;
      }
      extended.transports = transports;
    }
    return extended;
  }
}
