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
