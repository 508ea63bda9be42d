import { AckPolicy, DeliverPolicy, ReplayPolicy } from '@nats-io/jetstream';
import type { ConsumerConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerSettingDrift } from '../errors/nats-consumer-drift.error';

/** What a subscription asks of its durable consumer. */
export interface ConsumerSettings {
  readonly durable: string;
  readonly filterSubject: string;
  readonly ackWaitMs: number;
  /** The consumer's `max_deliver`: the transport's `maxDeliveries` plus one (see its option). */
  readonly maxDeliver: number;
  readonly maxAckPending: number;
  readonly startFrom: 'new' | 'all';
}

/**
 * Every setting of the consumer written out, server defaults included (deliver policy, ack
 * wait, replay, max waiting): a server of another version or another configuration then
 * cannot change what the transport relies on.
 */
export function consumerConfigOf(settings: ConsumerSettings): Partial<ConsumerConfig> {
  return {
    durable_name: settings.durable,
    name: settings.durable,
    filter_subject: settings.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: settings.startFrom === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: settings.maxAckPending,
    max_waiting: 512,
  };
}

/** The editable settings a subscription owns, compared with what the server holds. */
export function consumerDrift(settings: ConsumerSettings, actual: Partial<ConsumerConfig>): ConsumerSettingDrift[] {
  const wanted = consumerConfigOf(settings);
  const drift: ConsumerSettingDrift[] = [];
  const compare = (field: keyof ConsumerConfig, show: (value: unknown) => string | number = plain) => {
    const ours = wanted[field];
    const theirs = actual[field];
    if (ours !== theirs) drift.push({ field, wanted: show(ours), actual: show(theirs) });
  };
  compare('ack_policy');
  compare('filter_subject');
  compare('ack_wait', (value) => (typeof value === 'number' ? `${Math.round(value / 1e6)} ms` : plain(value)));
  compare('max_deliver');
  compare('max_ack_pending');
  return drift;
}

/** Only the ack policy cannot be changed on an existing consumer (nats-server 2.9 refuses it). */
export function driftIsUpdatable(drift: readonly ConsumerSettingDrift[]): boolean {
  return drift.every(({ field }) => field !== 'ack_policy');
}

function plain(value: unknown): string | number {
  return typeof value === 'number' || typeof value === 'string' ? value : String(value);
}
