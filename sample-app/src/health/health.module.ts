import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SmartMessageHealthModule } from '@smart-message/terminus';
import { HealthController } from './health.controller';

@Module({
  // Terminus logs every failed check through Nest's logger; the 503 body already says why.
  imports: [TerminusModule.forRoot({ logger: false }), SmartMessageHealthModule],
  controllers: [HealthController],
})
export class HealthModule {}
