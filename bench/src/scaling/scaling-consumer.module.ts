import { DynamicModule, Module } from '@nestjs/common';
import { SmartMessageModule, Transport } from '@smart-message/nestjs';
import { ConsumptionLedger } from './consumption-ledger';
import { FixedWork } from './fixed-work';
import { RoundGates } from './round-gates';
import { ScalingJobHandler } from './scaling-job.handler';

/** Every consumer process is an instance of this one service: one consumer group, shared work. */
export const CONSUMER_SERVICE = 'scaling-consumers';

export interface ScalingConsumerSettings {
  transport: Transport;
  ledger: ConsumptionLedger;
  gates: RoundGates;
  work: FixedWork;
}

/** The consumer service as an application writes it: SmartMessageModule and one @Subscribe handler. */
@Module({})
export class ScalingConsumerModule {
  static forRoot(settings: ScalingConsumerSettings): DynamicModule {
    return {
      module: ScalingConsumerModule,
      imports: [
        SmartMessageModule.forRoot({
          entity: CONSUMER_SERVICE,
          transports: { jobs: settings.transport },
          logger: false,
          deadLetters: false,
        }),
      ],
      providers: [
        ScalingJobHandler,
        { provide: ConsumptionLedger, useValue: settings.ledger },
        { provide: RoundGates, useValue: settings.gates },
        { provide: FixedWork, useValue: settings.work },
      ],
    };
  }
}
