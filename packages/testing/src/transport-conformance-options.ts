import { Transport } from '@smart-message/nestjs';

/** What a transport promises beyond the contract every transport keeps; unpromised cases are skipped. */
export interface TransportConformanceFeatures {
  /**
   * Several subscriptions of one message class on one transport instance, each with its own
   * `group`, each receive every message. Default true. When false, the cases that need it are
   * registered as skipped, so the test report shows what was not checked.
   */
  fanOutWithinInstance?: boolean;
  /**
   * Messages published while the broker or a subscriber is away are still delivered once both
   * are back (Redis Streams, not pub/sub). Needs `broker`. Default false.
   */
  durable?: boolean;
}

/** Lets the suite hurt the broker the transport talks to; enables the broker-failure cases. */
export interface ConformanceBrokerControl {
  /** Closes every client connection the broker holds (e.g. Redis CLIENT KILL); the transport must reconnect by itself. */
  dropConnections(): Promise<void>;
  /** Kills the broker and starts it again, keeping what it had persisted. */
  restart(): Promise<void>;
}

export interface TransportConformanceOptions {
  /** Creates a fresh, connected transport; each test closes it. */
  createTransport(): Promise<Transport> | Transport;
  /**
   * Returns the message class name a test uses for `label` (e.g. "Delivered"). It must be new on
   * every call, so durable transports never hand a test messages left over from an earlier run.
   * Default: `Conformance<label>_<random hex>`, letters, digits and `_` only.
   */
  messageClassName?(label: string): string;
  /** How long to wait for an expected delivery before failing the test. Default 5000. */
  deliveryTimeoutMs?: number;
  /** How often waits check their condition. Default 5. */
  pollIntervalMs?: number;
  /** Messages published by the "all arrive exactly once" case. Default 200. */
  messageCount?: number;
  features?: TransportConformanceFeatures;
  /** Without it, the broker-failure cases are registered as skipped. */
  broker?: ConformanceBrokerControl;
}
