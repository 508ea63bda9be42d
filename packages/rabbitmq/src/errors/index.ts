export * from './rabbitmq-connection.error';
export * from './rabbitmq-unavailable.error';
export * from './rabbitmq-publish-buffer-full.error';
export * from './rabbitmq-publish-refused.error';
export * from './rabbitmq-topology.error';
export * from './rabbitmq-invalid-name.error';
export * from './rabbitmq-backlog.error';
