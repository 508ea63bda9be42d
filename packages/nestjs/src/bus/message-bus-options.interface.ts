import type { AuthorizationOptions } from '../authorization/authorization-options.interface';
import { ValidatorOptions } from 'class-validator';
import type { BreakerStateStore } from '../reliability/circuit-breaker/breaker-state-store.interface';
import type {
  CircuitBreakerOptions,
  PublishCircuitBreakerOptions,
} from '../reliability/circuit-breaker/circuit-breaker-options.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import type { MessageObserver } from '../interfaces/message-observer.interface';
import { PayloadSerializer } from '../codec/serializer.interface';
import type { PayloadStage } from '../codec/chain/payload-stage.interface';
import { Transport } from '../transports/transport.interface';
import { UndeliverableListener } from '../interfaces/undeliverable.interface';
import type { UnknownPropertiesPolicy } from '../validation/unknown-properties-policy';
import type { SecurityOptions } from '../security/security-options.interface';
import type { PublishDeclaration } from '../catalog/publish-declaration.interface';
import type { TransactionalOutbox } from '../outbox/transactional-outbox.interface';

export interface MessageBusOptions {
  /** This service's name: the `from` of messages whose class names none, and the consumer group on durable transports. */
  entity?: string;
  /** Configured transports by name (default: one `MemoryTransport` named `memory`). */
  transports?: Record<string, Transport>;
  /** Transport of message types that name none (default: the first configured). */
  defaultTransport?: string;
  /** Serializers beside the built-in `json` and `msgpack`. */
  serializers?: PayloadSerializer[];
  /** Chain stages beside (or, under the same name, instead of) the built-in `deflate` and `br`. */
  stages?: PayloadStage[];
  /** Serializer chain of message classes whose `@Message()` names none (default `json`). */
  serializer?: string;
  /** Further chains receivers accept for classes whose `@Message()` names no serializer (migrations). */
  acceptSerializers?: string[];
  /** Handler concurrency when `@Subscribe` gives none (default 100). */
  defaultConcurrency?: number;
  /** Validate messages before they are sent (default true). */
  validateOnPublish?: boolean;
  /** Validate messages before handlers see them (default true). */
  validateOnReceive?: boolean;
  validatorOptions?: ValidatorOptions;
  /**
   * Payload properties the message class does not declare, on receipt: `strip` them (default),
   * `refuse` the message (validation failure, dead letter `invalid`) or `keep` them.
   */
  unknownProperties?: UnknownPropertiesPolicy;
  /** How long shutdown waits for running handlers (default 10000 ms). */
  shutdownTimeoutMs?: number;
  logger?: MessageLogger;
  /** Shares circuit states between the instances of a service (e.g. RedisBreakerStateStore); default: per process. */
  circuitBreakerStore?: BreakerStateStore;
  /** A circuit breaker per transport around publishing, with what to do while it is open. */
  publishCircuitBreaker?: PublishCircuitBreakerOptions;
  /** A circuit breaker per transport around subscribing: while open, subscribing fails fast with CircuitOpenError. */
  subscribeCircuitBreaker?: CircuitBreakerOptions;
  /** Watchers of every publish, delivery and handler call: metrics, tracing. */
  observers?: MessageObserver[];
  /** Called for every message a handler did not handle (the dead letter queue's intake). */
  onUndeliverable?: UndeliverableListener;
  /** A `MessagePolicy` for handlers without one of their own, or deny-by-default. */
  authorization?: AuthorizationOptions;
  /** Signing, the trust store, receive policies and replay protection. See docs/security.md. */
  security?: SecurityOptions;
  /**
   * The message types this service publishes, for the catalog's AsyncAPI document (`send`
   * operations named after `entity`). On providers, `@Publishes()` says it per class.
   */
  publishes?: PublishDeclaration[];
  /**
   * Where `publish(message, { transaction })` writes a message whose transport cannot write inside
   * your transaction (e.g. `new PostgresOutbox({ ... })` from `@smart-message/postgres` for Redis
   * transports); its relay publishes it after commit. The bus starts it after the transports and
   * closes it before them. Not the publish circuit breaker's in-memory `fallback: 'outbox'`.
   */
  outbox?: TransactionalOutbox;
}
