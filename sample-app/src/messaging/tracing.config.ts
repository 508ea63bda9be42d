import { MessageObserver, Transport } from '@smart-message/nestjs';
import { OpenTelemetryMessageObserver } from '@smart-message/opentelemetry';

/**
 * `SMART_MESSAGE_TRACING=opentelemetry` traces every publish and handler call. Spans go wherever
 * the OpenTelemetry SDK the process registered sends them (e.g. one preloaded with
 * `node --require`); the sample registers none, so without one nothing is recorded.
 */
export function tracingObservers(env: NodeJS.ProcessEnv, transports: Record<string, Transport>): MessageObserver[] {
  const tracing = env.SMART_MESSAGE_TRACING || 'off';
  if (tracing === 'off') return [];
  if (tracing === 'opentelemetry') return [new OpenTelemetryMessageObserver({ transports })];
  throw new Error(`SMART_MESSAGE_TRACING must be off or opentelemetry, got "${tracing}"`);
}
