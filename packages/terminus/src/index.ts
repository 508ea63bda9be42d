export { SmartMessageHealthIndicator } from './smart-message-health.indicator';
export { SmartMessageReadiness } from './smart-message-readiness';
export { SmartMessageHealthModule } from './smart-message-health.module';
export type {
  TransportsCheckOptions,
  DeadLettersCheckOptions,
  InFlightCheckOptions,
} from './health-check-options.interface';
