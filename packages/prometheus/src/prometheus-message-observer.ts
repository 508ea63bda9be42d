import {
  MessageStatistics,
  UNKNOWN_MESSAGE_TYPE,
  type Envelope,
  type HandlerCall,
  type MessageBus,
  type MessageObserver,
  type SecurityEvent,
  type UndeliverableMessage,
} from '@smart-message/nestjs';
import { Counter, Gauge, Histogram, Registry, register as defaultRegistry } from 'prom-client';
import { circuitStateValue } from './circuit-state-value';
import { METRIC_NAMES } from './metric-names';
import type { PrometheusObserverOptions } from './prometheus-observer-options.interface';
import { TransportBacklogs } from './transport-backlogs';

const DEFAULT_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DEFAULT_BACKLOG_TIMEOUT_MS = 1000;
const DEFAULT_LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type HandlerLabel = 'message_type' | 'handler';
type HandlerCounterName = 'delivered' | 'filteredOut' | 'retried' | 'deduplicated' | 'denied';

/**
 * Prometheus metrics of a message bus. Per-event metrics (published, received, succeeded, failed,
 * dead-lettered, security events, both histograms) are observed through the bus's observer hooks; the figures that
 * `MessageStatistics` already counts per handler (delivered, filtered, retried, deduplicated, denied), the
 * in-flight count and circuit states are read from the bus given to `watch()` at scrape time, so
 * they cost nothing per message. Labels are message types, handler ids, transport names, outcomes
 * and reasons (security events by name, level and mode): bounded sets, never a message's uuid or
 * an entity id. A frame's type is the sender's to choose, so a type no `@Message()` class declares
 * is labelled `unknown`.
 */
export class PrometheusMessageObserver implements MessageObserver {
  readonly registry: Registry;
  private bus?: MessageBus;
  private readonly publishedTotal: Counter<'message_type' | 'transport' | 'outcome'>;
  private readonly receivedTotal: Counter<'message_type' | 'transport'>;
  private readonly succeeded: Counter<HandlerLabel | 'transport'>;
  private readonly failed: Counter<HandlerLabel | 'transport'>;
  private readonly deadLettered: Counter<'message_type' | 'transport' | 'reason'>;
  private readonly handlerDuration: Histogram<HandlerLabel | 'transport' | 'outcome'>;
  private readonly endToEndLatency: Histogram<HandlerLabel | 'transport'>;
  private readonly securityEvents: Counter<'event' | 'level' | 'mode'>;
  private readonly metricNames: string[] = [];
  /** Labels types before `watch()` names a bus: by the process-wide registry of `@Message()` classes. */
  private readonly unwatchedTypes = new MessageStatistics();

  constructor(options: PrometheusObserverOptions = {}) {
    this.registry = options.registry ?? defaultRegistry;
    const registers = [this.registry];
    this.publishedTotal = new Counter({
      name: METRIC_NAMES.published,
      help: 'Messages handed to a transport (outcome: sent or failed)',
      labelNames: ['message_type', 'transport', 'outcome'],
      registers,
    });
    this.receivedTotal = new Counter({
      name: METRIC_NAMES.received,
      help: 'Messages a transport delivered to this process',
      labelNames: ['message_type', 'transport'],
      registers,
    });
    this.handlerCounter(
      METRIC_NAMES.delivered,
      'Messages that passed the filters and were queued for a handler',
      'delivered',
    );
    this.handlerCounter(METRIC_NAMES.filtered, "Messages a handler's filters did not let through", 'filteredOut');
    this.succeeded = new Counter({
      name: METRIC_NAMES.succeeded,
      help: 'Handler calls that succeeded',
      labelNames: ['message_type', 'handler', 'transport'],
      registers,
    });
    this.failed = new Counter({
      name: METRIC_NAMES.failed,
      help: 'Handler calls that failed (after any retries)',
      labelNames: ['message_type', 'handler', 'transport'],
      registers,
    });
    this.handlerCounter(METRIC_NAMES.retried, 'Further attempts a retry policy made after failures', 'retried');
    this.deadLettered = new Counter({
      name: METRIC_NAMES.deadLettered,
      help: 'Messages reported undeliverable and sent to the dead letter queue',
      labelNames: ['message_type', 'transport', 'reason'],
      registers,
    });
    this.handlerCounter(
      METRIC_NAMES.deduplicated,
      'Deliveries skipped because the handler had already processed the message',
      'deduplicated',
    );
    this.handlerCounter(METRIC_NAMES.denied, "Messages a handler's authorization policy refused", 'denied');
    this.handlerDuration = new Histogram({
      name: METRIC_NAMES.handlerDuration,
      help: 'How long handler calls took, retries included',
      labelNames: ['message_type', 'handler', 'transport', 'outcome'],
      buckets: options.durationBuckets ?? DEFAULT_DURATION_BUCKETS,
      registers,
    });
    this.endToEndLatency = new Histogram({
      name: METRIC_NAMES.endToEndLatency,
      help: "Time from a message's publishedAt to the start of a handler call",
      labelNames: ['message_type', 'handler', 'transport'],
      buckets: options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS,
      registers,
    });
    this.securityEvents = new Counter({
      name: METRIC_NAMES.securityEvents,
      help: 'Security events: forged, tampered, replayed or refused messages, and key changes',
      // The event's stable name, its level and mode are small fixed sets; its uuid, claimed sender
      // and key ids are the sender's to choose and would let a flood of forgeries grow the registry.
      labelNames: ['event', 'level', 'mode'],
      registers,
    });
    const watched = (): MessageBus | undefined => this.bus;
    new Gauge({
      name: METRIC_NAMES.inFlight,
      help: 'Handler calls queued or running',
      registers,
      collect(this: Gauge) {
        this.set(watched()?.inFlightCount ?? 0);
      },
    });
    new Gauge({
      name: METRIC_NAMES.circuitBreakerState,
      help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
      labelNames: ['circuit'],
      registers,
      collect(this: Gauge<'circuit'>) {
        this.reset();
        for (const circuit of watched()?.circuitBreakers.statistics() ?? []) {
          this.set({ circuit: circuit.name }, circuitStateValue(circuit.state));
        }
      },
    });
    this.backlogGauges(new TransportBacklogs(options.backlogTimeoutMs ?? DEFAULT_BACKLOG_TIMEOUT_MS));
    this.metricNames.push(...Object.values(METRIC_NAMES));
  }

  /** Reads the scrape-time figures (statistics, in-flight, circuits) from this bus. */
  watch(bus: MessageBus): void {
    this.bus = bus;
  }

  /** Takes this observer's metrics out of its registry (e.g. when the application closes). */
  unregister(): void {
    for (const name of this.metricNames) this.registry.removeSingleMetric(name);
  }

  afterPublish(envelope: Envelope, transport: string, error?: Error): void {
    this.publishedTotal.inc({
      message_type: this.typeLabel(envelope.header.messageClass),
      transport,
      outcome: error === undefined ? 'sent' : 'failed',
    });
  }

  received(envelope: Envelope, transport: string): void {
    this.receivedTotal.inc({ message_type: this.typeLabel(envelope.header.messageClass), transport });
  }

  async aroundHandler(call: HandlerCall, run: () => Promise<void>): Promise<void> {
    const labels = {
      message_type: this.typeLabel(call.envelope.header.messageClass),
      handler: call.handlerId,
      transport: call.transport,
    };
    const publishedAt = Date.parse(call.envelope.header.publishedAt);
    if (!Number.isNaN(publishedAt)) this.endToEndLatency.observe(labels, Math.max(0, Date.now() - publishedAt) / 1000);
    const stopTimer = this.handlerDuration.startTimer(labels);
    try {
      await run();
    } catch (error) {
      stopTimer({ outcome: 'failed' });
      this.failed.inc(labels);
      throw error;
    }
    stopTimer({ outcome: 'succeeded' });
    this.succeeded.inc(labels);
  }

  undeliverable(event: UndeliverableMessage): void {
    this.deadLettered.inc({
      message_type: event.envelope ? this.typeLabel(event.envelope.header.messageClass) : UNKNOWN_MESSAGE_TYPE,
      transport: event.transport,
      reason: event.reason,
    });
  }

  securityEvent(event: SecurityEvent): void {
    this.securityEvents.inc({ event: event.name, level: event.level, mode: event.mode });
  }

  /** One Map lookup: the watched bus's registry decides, as it does for the bus's own statistics. */
  private typeLabel(messageClass: string): string {
    return (this.bus?.statistics ?? this.unwatchedTypes).typeLabel(messageClass);
  }

  /**
   * Queue depth and oldest due age of every consumer group on the transports that count their
   * backlog (`Transport.backlog()`, e.g. PostgreSQL), read at scrape time with a timeout. The
   * labels come from the broker's subscriptions (types some service subscribed to), a bounded
   * set; every instance reports the same figures, so aggregate them with `max`, not `sum`.
   */
  private backlogGauges(backlogs: TransportBacklogs): void {
    const watched = (): MessageBus | undefined => this.bus;
    const registers = [this.registry];
    new Gauge({
      name: METRIC_NAMES.queueDepth,
      help: 'Entries waiting per consumer group and message class (state: ready, delayed, leased)',
      labelNames: ['transport', 'group', 'message_class', 'state'],
      registers,
      async collect(this: Gauge<'transport' | 'group' | 'message_class' | 'state'>) {
        const read = await backlogs.read(watched());
        this.reset();
        for (const { transport, backlog } of read)
          for (const row of backlog) {
            const labels = { transport, group: row.group, message_class: row.messageClass };
            this.set({ ...labels, state: 'ready' }, row.ready);
            this.set({ ...labels, state: 'delayed' }, row.delayed);
            this.set({ ...labels, state: 'leased' }, row.leased);
          }
      },
    });
    new Gauge({
      name: METRIC_NAMES.queueOldestDueAge,
      help: 'How long the oldest ready entry of a consumer group and message class has been due, in seconds',
      labelNames: ['transport', 'group', 'message_class'],
      registers,
      async collect(this: Gauge<'transport' | 'group' | 'message_class'>) {
        const read = await backlogs.read(watched());
        this.reset();
        for (const { transport, backlog } of read)
          for (const row of backlog)
            this.set({ transport, group: row.group, message_class: row.messageClass }, row.oldestDueAgeMs / 1000);
      },
    });
  }

  /** A counter whose values are `MessageStatistics`' own per-handler figures, read at scrape time. */
  private handlerCounter(name: string, help: string, counter: HandlerCounterName): void {
    const watched = (): MessageBus | undefined => this.bus;
    new Counter({
      name,
      help,
      labelNames: ['message_type', 'handler'],
      registers: [this.registry],
      collect(this: Counter<HandlerLabel>) {
        this.reset();
        const handlers = watched()?.statistics.snapshot().handlers ?? {};
        for (const [handler, counters] of Object.entries(handlers)) {
          if (counters[counter] > 0) this.inc({ message_type: counters.messageClass, handler }, counters[counter]);
        }
      },
    });
  }
}
