export * from './harness-assertion.error';
export * from './harness-run-failed.error';
export * from './harness-configuration.error';
export * from './injected-failure.error';
export * from './test-transport-disconnected.error';
