import { Transport } from '@smart-message/nestjs';
import { randomBytes } from 'node:crypto';
import {
  ConformanceBrokerControl,
  TransportConformanceFeatures,
  TransportConformanceOptions,
} from './transport-conformance-options';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS } from './wait-for';

export interface ResolvedConformanceOptions {
  createTransport(): Promise<Transport> | Transport;
  messageClassName(label: string): string;
  deliveryTimeoutMs: number;
  pollIntervalMs: number;
  messageCount: number;
  features: Required<TransportConformanceFeatures> & { broker: boolean };
  broker?: ConformanceBrokerControl;
  /** Jest's limit per test and hook: above the few waits a failing test may sit through. */
  testTimeoutMs: number;
}

export function resolveConformanceOptions(options: TransportConformanceOptions): ResolvedConformanceOptions {
  const deliveryTimeoutMs = positiveInteger('deliveryTimeoutMs', options.deliveryTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
  const ownNaming = options.messageClassName?.bind(options);
  return {
    createTransport: () => options.createTransport(),
    messageClassName: ownNaming ?? ((label) => `Conformance${label}_${randomBytes(6).toString('hex')}`),
    deliveryTimeoutMs,
    pollIntervalMs: positiveInteger('pollIntervalMs', options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS),
    messageCount: positiveInteger('messageCount', options.messageCount ?? 200),
    features: {
      fanOutWithinInstance: options.features?.fanOutWithinInstance ?? true,
      durable: options.features?.durable ?? false,
      broker: options.broker !== undefined,
    },
    broker: options.broker,
    testTimeoutMs: deliveryTimeoutMs * 3 + 5_000,
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
