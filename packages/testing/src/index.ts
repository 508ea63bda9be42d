export { describeTransportConformance } from './describe-transport-conformance';
export type {
  TransportConformanceOptions,
  TransportConformanceFeatures,
  ConformanceBrokerControl,
} from './transport-conformance-options';
export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
