import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SmartMessageHealthIndicator } from './smart-message-health.indicator';
import { SmartMessageReadiness } from './smart-message-readiness';

/**
 * Provides `SmartMessageHealthIndicator` and `SmartMessageReadiness`; import it beside
 * `TerminusModule` where the health controller lives. `SmartMessageModule` must be imported in
 * the application (it provides the bus and the dead letter queue globally).
 */
@Module({
  imports: [TerminusModule],
  providers: [SmartMessageHealthIndicator, SmartMessageReadiness],
  exports: [SmartMessageHealthIndicator, SmartMessageReadiness, TerminusModule],
})
export class SmartMessageHealthModule {}
