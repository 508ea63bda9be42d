import { Global, Module } from '@nestjs/common';
import { SampleLimits } from './sample-limits';

/** The in-memory bounds, one provider for every service module (tests override it to small numbers). */
@Global()
@Module({
  providers: [{ provide: SampleLimits, useValue: new SampleLimits() }],
  exports: [SampleLimits],
})
export class LimitsModule {}
