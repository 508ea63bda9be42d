import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DeadLetterQueue, MessageBus, TransportHealth } from '@smart-message/nestjs';
import {
  DeadLettersCheckOptions,
  InFlightCheckOptions,
  TransportsCheckOptions,
} from './health-check-options.interface';

const DEFAULT_TIMEOUT_MS = 1000;

/**
 * Terminus checks of the message system. Each returns terminus' `{ [key]: { status, ...details } }`
 * and turns `down` (with the details saying why) while its dependency fails; it is computed
 * afresh on every call, so it comes back `up` by itself once the dependency recovers.
 */
@Injectable()
export class SmartMessageHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Optional() @Inject(DeadLetterQueue) private readonly deadLetterQueue?: DeadLetterQueue | null,
  ) {}

  /** A real round trip to every configured transport, plus each one's subscriptions' liveness and backlog. */
  async transports<const Key extends string>(
    key: Key,
    options: TransportsCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const limits = {
      maxLag: options.maxLag,
      maxPending: options.maxPending,
      maxOldestDueAgeMs: options.maxOldestDueAgeMs,
    };
    const entries = await Promise.all(
      this.bus.transportNames().map(async (name): Promise<[string, TransportHealth & { kind: string }]> => {
        const transport = this.bus.transport(name);
        if (!transport.health) return [name, { kind: transport.kind, up: true, details: { checked: false } }];
        try {
          return [name, { kind: transport.kind, ...(await transport.health(timeoutMs, limits)) }];
        } catch (error) {
          return [name, { kind: transport.kind, up: false, details: { error: (error as Error).message } }];
        }
      }),
    );
    const transports = Object.fromEntries(
      entries.map(([name, health]) => [name, { kind: health.kind, up: health.up, ...health.details }]),
    );
    return entries.every(([, health]) => health.up) ? session.up({ transports }) : session.down({ transports });
  }

  /** Down while any circuit breaker is open, here or (with a shared state store) on another instance. */
  async circuitBreakers<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const circuits = this.bus.circuitBreakers.statistics();
    const open = circuits.filter((circuit) => circuit.state === 'open' || circuit.openElsewhere).map((c) => c.name);
    const states = Object.fromEntries(circuits.map((circuit) => [circuit.name, circuit.state]));
    return open.length === 0 ? session.up({ circuits: states }) : session.down({ circuits: states, open });
  }

  /** Down when the dead letter queue holds more than `maxEntries` entries. */
  async deadLetters<const Key extends string>(
    key: Key,
    options: DeadLettersCheckOptions,
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    if (!this.deadLetterQueue) return session.up({ configured: false });
    try {
      const stats = await this.deadLetterQueue.stats();
      const details = { entries: stats.total, maxEntries: options.maxEntries, byReason: stats.byReason };
      return stats.total > options.maxEntries ? session.down(details) : session.up(details);
    } catch (error) {
      return session.down({ error: (error as Error).message });
    }
  }

  /** Down when more than `max` handler calls are running at once. */
  async inFlight<const Key extends string>(
    key: Key,
    options: InFlightCheckOptions,
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const inFlight = this.bus.inFlightCount;
    const details = { inFlight, max: options.max };
    return inFlight > options.max ? session.down(details) : session.up(details);
  }
}
