// Test harness for applications
export { SmartMessageTestingModule } from './harness/smart-message-testing.module';
export type { SmartMessageTestingOptions } from './harness/testing-options.interface';
export { SmartMessageHarness } from './harness/smart-message-harness';
export type { HarnessWaitOptions, HarnessExpectNoneOptions, HarnessRunOptions } from './harness/smart-message-harness';
export { HarnessSession } from './harness/harness-session';
export { MessageList } from './harness/message-list';
export type { CapturedMessage, HarnessEventKind } from './harness/captured-message';
export type { MessageMatch } from './harness/message-match';
export { smartMessageMatchers } from './matchers/smart-message-matchers';
export type { SmartMessageMatchers } from './matchers/smart-message-matchers';
export { TestTransport } from './injection/test-transport';
export type { RawFrame } from './injection/test-transport';
export { HandlerFaults } from './injection/handler-faults';
export type { HandlerTarget, FailNextOptions, SlowNextOptions } from './injection/handler-faults';
export * from './errors';

// Conformance suites for transports and stores
export { describeTransportConformance } from './describe-transport-conformance';
export type {
  TransportConformanceOptions,
  TransportConformanceFeatures,
  ConformanceBrokerControl,
} from './transport-conformance-options';
export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { describeDeduplicationStoreContract } from './describe-deduplication-store-contract';
export type { DeduplicationStoreContractOptions } from './describe-deduplication-store-contract';
export { describeDeadLetterStoreContract } from './dead-letter-store/describe-dead-letter-store-contract';
export type { DeadLetterStoreContractOptions } from './dead-letter-store/dead-letter-store-contract-options';
export { TcpProxy } from './faults/tcp-proxy';
export type { TcpProxyOptions, TcpProxyTarget } from './faults/tcp-proxy';
