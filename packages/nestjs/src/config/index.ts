export { fromConfig, TRANSPORTS_VARIABLE } from './from-config';
export type { FromConfigOptions, TransportsConfig } from './from-config';
export { TransportConfigError, TransportPackageMissingError } from './transport-config.error';
