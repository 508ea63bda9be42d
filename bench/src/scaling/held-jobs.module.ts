import { DynamicModule, Module } from '@nestjs/common';
import { SmartMessageModule, Transport } from '@smart-message/nestjs';
import { HandlerHold } from './handler-hold';
import { HeldJobHandler } from './held-job.handler';

export interface HeldJobsSettings {
  /** The service's name, and its consumer group on Streams. */
  entity: string;
  hold: HandlerHold;
  /** The transport jobs travel on; the in-memory transport when absent. */
  transport?: Transport;
}

/** An application whose one handler holds every job until released. */
@Module({})
export class HeldJobsModule {
  static forRoot(settings: HeldJobsSettings): DynamicModule {
    return {
      module: HeldJobsModule,
      imports: [
        SmartMessageModule.forRoot({
          entity: settings.entity,
          ...(settings.transport ? { transports: { jobs: settings.transport } } : {}),
          logger: false,
          deadLetters: false,
        }),
      ],
      providers: [HeldJobHandler, { provide: HandlerHold, useValue: settings.hold }],
    };
  }
}
