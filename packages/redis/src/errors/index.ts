export * from './redis-unavailable.error';
export * from './publish-buffer-full.error';
export * from './redis-connection.error';
export * from './invalid-redis-url.error';
export * from './redis-reply-shape.error';
export * from './stream-key-type.error';
export * from './reserved-property.error';
