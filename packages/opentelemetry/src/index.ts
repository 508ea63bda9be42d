export { OpenTelemetryMessageObserver, SMART_MESSAGE_TRACER_NAME } from './opentelemetry-message-observer';
export type { OpenTelemetryObserverOptions } from './opentelemetry-observer-options.interface';
export * from './messaging-attributes';
export * from './security-attributes';
