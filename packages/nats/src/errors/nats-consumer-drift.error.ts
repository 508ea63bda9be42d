import { SmartMessageError } from '@smart-message/nestjs';

/** One setting of a durable consumer that differs between this instance and the server. */
export interface ConsumerSettingDrift {
  readonly field: string;
  /** What this instance's options ask for. */
  readonly wanted: string | number;
  /** What the consumer on the server has (set by another instance, an older version or by hand). */
  readonly actual: string | number;
}

/**
 * The durable consumer of a subscription already exists with other settings than this
 * instance's options give it. JetStream would apply ours silently when the consumer is added
 * again, flipping the settings every other instance of the service runs with; so startup stops
 * here instead, naming each setting, both values and the fix.
 */
export class NatsConsumerDriftError extends SmartMessageError {
  readonly code = 'SM_NATS_CONSUMER_DRIFT' as const;

  constructor(
    readonly stream: string,
    readonly consumer: string,
    readonly drift: readonly ConsumerSettingDrift[],
    /** Whether `onConsumerDrift: 'update'` can apply the settings (false when one is not editable). */
    readonly updatable: boolean,
  ) {
    const fields = drift
      .map(({ field, wanted, actual }) => `${field} ${actual} on the server, ${wanted} here`)
      .join('; ');
    const fix = updatable
      ? 'give every instance of the service the same options (maxDeliveries, ackWaitMs, maxAckPending, concurrency), ' +
        "or start one instance with `onConsumerDrift: 'update'` to apply these settings to the shared consumer"
      : `a setting that cannot be edited differs: delete the consumer once it is drained (nats consumer rm ${stream} ${consumer}) or use another group`;
    super(
      `The durable NATS consumer ${consumer} of stream ${stream} differs from this instance's settings (${fields}): ${fix}`,
    );
  }
}
