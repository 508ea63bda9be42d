export * from './redis-unavailable.error';
export * from './publish-buffer-full.error';
