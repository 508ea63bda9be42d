export * from './nats-connection.error';
export * from './nats-unavailable.error';
export * from './nats-publish-buffer-full.error';
export * from './nats-invalid-name.error';
export * from './nats-consumer-drift.error';
