import type { TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { Transport } from '@smart-message/nestjs';

export interface OpenTelemetryObserverOptions {
  /**
   * The bus's transports by name (the same record as `transports` in the bus options), so each
   * span's `messaging.system` names the transport's kind (`memory`, `redis`). Without it, the
   * system is `smart_message`.
   */
  transports?: Readonly<Record<string, Pick<Transport, 'kind'>>>;
  /** Where tracers come from (default: the global provider an OpenTelemetry SDK registers). */
  tracerProvider?: TracerProvider;
  /**
   * How trace context goes into and out of the header (default: the global propagator, which
   * SDKs set to W3C trace context). Only `traceparent` and `tracestate` travel.
   */
  propagator?: TextMapPropagator;
}
