import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MessageBus } from '@smart-message/nestjs';

/**
 * Readiness for load balancers and orchestrators: down from the moment the message bus begins
 * draining on shutdown, so traffic moves elsewhere while handlers finish.
 */
@Injectable()
export class SmartMessageReadiness {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(MessageBus) private readonly bus: MessageBus,
  ) {}

  async ready<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const state = this.bus.lifecycleState;
    return this.bus.isDraining ? session.down({ state }) : session.up({ state });
  }
}
