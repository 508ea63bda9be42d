import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { SmartMessageHealthIndicator, SmartMessageReadiness } from '@smart-message/terminus';

/** More dead letters than this and the instance stops taking traffic until someone looks. */
const MAX_DEAD_LETTERS = 100;
/** More handler calls at once than this and the instance is saturated. */
const MAX_IN_FLIGHT = 1000;

/**
 * `/health` is liveness (restart me when down): transports reachable and subscriptions reading.
 * `/health/ready` is readiness (send me no traffic when down): not draining, no circuit open, dead
 * letters and in-flight work under their limits. An open circuit means a downstream is failing, which
 * a restart would not cure, so it only takes the instance out of rotation. Down answers 503 with
 * terminus' details.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly messaging: SmartMessageHealthIndicator,
    private readonly readiness: SmartMessageReadiness,
  ) {}

  @Get()
  @HealthCheck()
  liveness(): Promise<HealthCheckResult> {
    return this.checks.check([() => this.messaging.transports('transports', { timeoutMs: 1000 })]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.checks.check([
      () => this.readiness.ready('messageBus'),
      () => this.messaging.circuitBreakers('circuitBreakers'),
      () => this.messaging.deadLetters('deadLetters', { maxEntries: MAX_DEAD_LETTERS }),
      () => this.messaging.inFlight('inFlight', { max: MAX_IN_FLIGHT }),
    ]);
  }
}
