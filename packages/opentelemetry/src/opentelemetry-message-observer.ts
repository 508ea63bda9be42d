import {
  Attributes,
  Context,
  context as contextApi,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  Span,
  SpanKind,
  SpanStatusCode,
  TextMapPropagator,
  trace,
  Tracer,
} from '@opentelemetry/api';
import type { Envelope, HandlerCall, MessageHeader, MessageObserver, SecurityEvent } from '@smart-message/nestjs';
import {
  MESSAGING_DESTINATION_NAME,
  MESSAGING_MESSAGE_CONVERSATION_ID,
  MESSAGING_MESSAGE_ID,
  MESSAGING_OPERATION,
  MESSAGING_OPERATION_NAME,
  MESSAGING_OPERATION_TYPE,
  MESSAGING_SYSTEM,
  SMART_MESSAGE_DELIVERY_ATTEMPT,
  SMART_MESSAGE_FROM,
  SMART_MESSAGE_HANDLER_ID,
  SMART_MESSAGE_TO,
  SMART_MESSAGE_TRANSPORT,
} from './messaging-attributes';
import type { OpenTelemetryObserverOptions } from './opentelemetry-observer-options.interface';
import { SECURITY_SPAN_EVENT_NAME } from './security-attributes';
import { securityEventAttributes } from './security-event-attributes';
import { carrierOf, TraceContextCarrier, withTraceContext } from './trace-context-carrier';

/** The instrumentation scope spans are reported under. */
export const SMART_MESSAGE_TRACER_NAME = '@smart-message/opentelemetry';

/** `messaging.system` when the observer was not told the transports' kinds. */
const UNKNOWN_SYSTEM = 'smart_message';

type ContextPropagator = Pick<TextMapPropagator, 'inject' | 'extract'>;

/**
 * Traces the bus after the OpenTelemetry messaging conventions: a PRODUCER span per publish,
 * whose W3C trace context travels in the header, and a CONSUMER span per handler call, child of
 * the publisher's span and active while the handler runs, so what the handler publishes (its
 * reply included) continues the same trace. Security events become `smartmessage.security` span
 * events. With no SDK registered, the API's no-op tracer
 * makes every span invalid and the observer steps aside.
 */
export class OpenTelemetryMessageObserver implements MessageObserver {
  private readonly tracer: Tracer;
  private readonly propagator: ContextPropagator;
  private readonly transportKinds: ReadonlyMap<string, string>;
  /** Producer spans between beforePublish and afterPublish, by message uuid. */
  private readonly publishing = new Map<string, Span>();

  constructor(options: OpenTelemetryObserverOptions = {}) {
    // A tracer from the global provider is a proxy: it starts recording once an SDK registers.
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SMART_MESSAGE_TRACER_NAME);
    this.propagator = options.propagator ?? propagation;
    this.transportKinds = new Map(Object.entries(options.transports ?? {}).map(([name, { kind }]) => [name, kind]));
  }

  beforePublish(envelope: Envelope, transport: string): Envelope | void {
    const { header } = envelope;
    const parent = contextApi.active();
    const span = this.tracer.startSpan(
      `${header.messageClass} publish`,
      { kind: SpanKind.PRODUCER, attributes: this.attributes(header, transport, 'publish') },
      parent,
    );
    if (!isSpanContextValid(span.spanContext())) return;
    this.publishing.set(header.uuid, span);
    const carrier: TraceContextCarrier = {};
    this.propagator.inject(trace.setSpan(parent, span), carrier, defaultTextMapSetter);
    if (!carrier.traceparent) return;
    return { ...envelope, header: withTraceContext(header, carrier) };
  }

  afterPublish(envelope: Envelope, _transport: string, error?: Error): void {
    const span = this.publishing.get(envelope.header.uuid);
    if (!span) return;
    this.publishing.delete(envelope.header.uuid);
    if (error) recordFailure(span, error);
    span.end();
  }

  async aroundHandler(call: HandlerCall, run: () => Promise<void>): Promise<void> {
    const { header } = call.envelope;
    const parent = this.extract(header);
    const span = this.tracer.startSpan(
      `${header.messageClass} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...this.attributes(header, call.transport, 'process'),
          [SMART_MESSAGE_HANDLER_ID]: call.handlerId,
          [SMART_MESSAGE_DELIVERY_ATTEMPT]: call.attempt,
        },
      },
      parent,
    );
    if (!isSpanContextValid(span.spanContext())) return run();
    try {
      await contextApi.with(trace.setSpan(parent, span), run);
    } catch (error) {
      recordFailure(span, error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * Adds the event to the span active where the bus reported it; with none recording (the bus
   * refuses most messages before any handler span starts), records it on a short span of its
   * own so it is never lost. Only that own span takes error status for a critical event: the
   * event does not fail someone else's span, and a report-mode event let the message through.
   */
  securityEvent(event: SecurityEvent): void {
    const attributes = securityEventAttributes(event);
    const active = trace.getSpan(contextApi.active());
    if (active?.isRecording()) {
      active.addEvent(SECURITY_SPAN_EVENT_NAME, attributes);
      return;
    }
    const span = this.tracer.startSpan(`smartmessage security ${event.name}`, {
      kind: SpanKind.INTERNAL,
      attributes,
    });
    span.addEvent(SECURITY_SPAN_EVENT_NAME, attributes);
    if (event.level === 'critical') span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason });
    span.end();
  }

  /** The publisher's span context from the header, over whatever context is active here. */
  private extract(header: Readonly<MessageHeader>): Context {
    const active = contextApi.active();
    if (!header.traceparent) return active;
    return this.propagator.extract(active, carrierOf(header), defaultTextMapGetter);
  }

  private attributes(header: Readonly<MessageHeader>, transport: string, operation: string): Attributes {
    const attributes: Attributes = {
      [MESSAGING_SYSTEM]: this.systemOf(transport),
      [MESSAGING_DESTINATION_NAME]: header.messageClass,
      [MESSAGING_MESSAGE_ID]: header.uuid,
      [MESSAGING_OPERATION]: operation,
      [MESSAGING_OPERATION_TYPE]: operation,
      [MESSAGING_OPERATION_NAME]: operation,
      [SMART_MESSAGE_TRANSPORT]: transport,
      [SMART_MESSAGE_FROM]: header.from,
    };
    if (header.correlationId) attributes[MESSAGING_MESSAGE_CONVERSATION_ID] = header.correlationId;
    if (header.to) attributes[SMART_MESSAGE_TO] = header.to;
    return attributes;
  }

  /** `redis-pubsub` and `redis-streams` are both the `redis` system; the kind's first word names it. */
  private systemOf(transport: string): string {
    const kind = this.transportKinds.get(transport);
    return kind ? kind.split('-')[0] : UNKNOWN_SYSTEM;
  }
}

function recordFailure(span: Span, error: Error): void {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
