import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { MessageTypeRegistry } from '../catalog/message-type-registry';
import { PayloadCodec } from '../codec/chain/payload-codec';
import { createHeader } from '../envelope/header-factory';
import { MessageValidationError, UnknownTransportError } from '../errors';
import { InvalidOptionError } from '../errors/invalid-option.error';
import { Envelope } from '../interfaces/envelope.interface';
import { MessageHeader } from '../interfaces/message-header.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { MessageObserver } from '../interfaces/message-observer.interface';
import { PublishOptions } from '../interfaces/publish-options.interface';
import { PublishBreaker } from '../reliability/circuit-breaker/publish-breaker';
import { namedTransportError } from '../transports/named-transport-error';
import type { Transport } from '../transports/transport.interface';
import { MessageStatistics } from '../statistics/message-statistics';
import { debugEnabled } from '../util/debug-logging';
import { headerViolations } from '../validation/header-validator';
import { MessageValidator } from '../validation/message-validator';
import type { BusSecurity } from '../security/bus-security';
import { payloadAsVersion } from '../versioning/payload-as-version';
import type { TransactionalOutbox } from '../outbox/transactional-outbox.interface';
import { UnsupportedPublishOptionError } from '../outbox/unsupported-publish-option.error';
import type {
  TransportCapabilities,
  TransportPublishCapability,
  TransportPublishOptions,
} from '../transports/transport-publish-options.interface';
import { deliveryOptionsOf } from './delivery-options';
import { BusLifecycle } from './bus-lifecycle';
import { BusTransports } from './bus-transports';
import { currentMessage } from './conversation';
import { MessageBusOptions } from './message-bus-options.interface';

/** A message made ready to send: its type and its envelope (header and encoded payload). */
export interface SealedMessage {
  readonly metadata: MessageTypeMetadata;
  readonly envelope: Envelope;
}

/** What a publisher is built from: the bus's parts it shares. */
export interface PublisherParts {
  readonly options: MessageBusOptions;
  readonly registry: MessageTypeRegistry;
  readonly transports: BusTransports;
  readonly lifecycle: BusLifecycle;
  readonly payloads: PayloadCodec;
  readonly validator: MessageValidator;
  readonly statistics: MessageStatistics;
  readonly log: MessageLogger;
  readonly observers: readonly MessageObserver[];
  /** Absent: publishing goes straight to the transport. */
  readonly breaker: PublishBreaker | undefined;
  readonly security: BusSecurity;
  /** Where transactional publishes go whose transport cannot write inside the caller's transaction. */
  readonly outbox: TransactionalOutbox | undefined;
}

/**
 * Turns a message into an envelope (header, validation, encoding) and hands it to its
 * transport, past the observers and the publish circuit breaker when there are any.
 */
export class Publisher {
  constructor(private readonly parts: PublisherParts) {}

  /** See `MessageBus.publish`. */
  publish(message: object, options: PublishOptions): Promise<MessageHeader> {
    // Not `async`: every promise layer costs on the hot path, so errors become rejections by hand.
    try {
      const sealed = this.seal(message, options);
      const delivery = deliveryOptionsOf(withClassDefaults(options, sealed.metadata, message));
      return delivery === undefined ? this.send(sealed) : this.sendWith(sealed, delivery);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** See `MessageBus.publishAll`. */
  async publishAll(messages: readonly object[], options: PublishOptions): Promise<MessageHeader[]> {
    if (!Array.isArray(messages))
      throw new InvalidOptionError('publishAll', 'messages', typeof messages, 'an array of message instances');
    // Every message sealed (validated, encoded) and routed before any is sent: one invalid, none sent.
    const routed = messages.map((message: object) => {
      const sealed = this.seal(message, options);
      const delivery = deliveryOptionsOf(withClassDefaults(options, sealed.metadata, message));
      const route = this.route(
        sealed.metadata.transport ?? this.parts.transports.defaultName,
        sealed.metadata.name,
        delivery,
      );
      return { sealed, delivery, ...route };
    });
    const headers: MessageHeader[] = [];
    for (const run of runsOf(routed)) {
      const [{ name, transport, viaOutbox, delivery }] = run;
      const publishBatch = viaOutbox || this.breaks(delivery) ? undefined : transport.publishBatch?.bind(transport);
      if (publishBatch === undefined || run.length === 1) {
        for (const { sealed } of run)
          headers.push(delivery === undefined ? await this.send(sealed) : await this.sendWith(sealed, delivery));
        continue;
      }
      const { observers, statistics, log } = this.parts;
      const envelopes = run.map(({ sealed: { envelope } }) => {
        let sent = envelope;
        for (const observer of observers) sent = observer.beforePublish?.(sent, name) ?? sent;
        return sent;
      });
      try {
        await publishBatch(envelopes, delivery);
      } catch (error) {
        const named = namedTransportError(error, name) as Error;
        for (const sent of envelopes) for (const observer of observers) observer.afterPublish?.(sent, name, named);
        throw named;
      }
      for (const [index, sent] of envelopes.entries()) {
        for (const observer of observers) observer.afterPublish?.(sent, name);
        statistics.countPublished(run[index].sealed.metadata.name, name);
        headers.push(sent.header);
      }
      if (debugEnabled(log))
        log.debug(`Published ${envelopes.length} messages in one batch`, { transport: name, count: envelopes.length });
    }
    return headers;
  }

  /** Builds and checks the envelope; throws `MessageValidationError` (and sends nothing) when a rule fails. */
  seal(message: object, options: PublishOptions): SealedMessage {
    const { lifecycle, registry, transports, validator } = this.parts;
    lifecycle.assertNotClosed();
    const metadata = registry.ofMessage(message);
    if (metadata.transport !== undefined && !transports.has(metadata.transport)) {
      throw new UnknownTransportError(metadata.transport, transports.names(), metadata.name);
    }
    const conversation = currentMessage.getStore();
    const { payloads } = this.parts;
    const header = createHeader(
      metadata,
      conversation
        ? { correlationId: conversation.correlationId ?? conversation.uuid, causationId: conversation.uuid, ...options }
        : options,
      this.parts.options.entity,
      payloads.chainOf(metadata),
    );
    const { signer, signAll } = this.parts.security;
    // Before anything is encoded: a `from` the app did not declare is a mistake, and signing would only hide it.
    signer?.assertIdentity(header.from);
    const inHeader = headerViolations(header);
    const inPayload =
      (this.parts.options.validateOnPublish ?? true) ? validator.violations(message, metadata.target) : [];
    if (inHeader.length > 0 || inPayload.length > 0) {
      throw new MessageValidationError(metadata.name, [...inHeader, ...inPayload]);
    }
    let body = message;
    if (options.version !== undefined && options.version !== metadata.version) {
      body = payloadAsVersion(message, metadata, options.version);
      header.version = options.version;
    }
    const payload = payloads.encode(body, metadata, header);
    // After encoding and encryption: the signature covers the payload's bytes as they travel.
    if (signer !== undefined && (metadata.sign ?? signAll)) signer.sign(header, payload);
    return { metadata, envelope: { header, payload } };
  }

  /** Resolves with the header as sent once the transport took the envelope. */
  send({ metadata, envelope: sealed }: SealedMessage): Promise<MessageHeader> {
    const { transports, statistics, log } = this.parts;
    const name = metadata.transport ?? transports.defaultName;
    const sent = (envelope: Envelope): MessageHeader => {
      statistics.countPublished(metadata.name, name);
      if (debugEnabled(log)) {
        log.debug(`Published ${metadata.name}`, { ...envelope.header, transport: name });
      }
      return envelope.header;
    };
    if (this.parts.observers.length > 0 || this.parts.breaker) {
      return this.observedSend(name, sealed).then(sent);
    }
    // A transport typed loosely (a test double) may answer without a promise.
    const published: Promise<void> | void = transports.get(name).publish(sealed);
    return (published instanceof Promise ? published : Promise.resolve(published)).then(
      () => sent(sealed),
      (error: unknown) => {
        throw namedTransportError(error, name);
      },
    );
  }

  /**
   * Sends with delivery options: through the transport where it supports every one asked for;
   * a transactional publish it cannot write goes to the outbox; anything else is refused
   * before a byte is written, since an ignored option would send early or send a rolled-back message.
   */
  private async sendWith(
    { metadata, envelope }: SealedMessage,
    delivery: TransportPublishOptions,
  ): Promise<MessageHeader> {
    const { statistics, observers, log } = this.parts;
    const outbox = this.parts.outbox;
    const { name, transport, viaOutbox } = this.route(
      metadata.transport ?? this.parts.transports.defaultName,
      metadata.name,
      delivery,
    );
    let sent = envelope;
    for (const observer of observers) sent = observer.beforePublish?.(sent, name) ?? sent;
    try {
      if (viaOutbox && outbox) await outbox.store(sent, name, delivery.transaction as object, delivery);
      // A write inside the caller's transaction is not the broker's health: no breaker around it.
      else if (delivery.transaction === undefined && this.parts.breaker)
        await this.parts.breaker.publish(name, transport, sent, delivery);
      else await transport.publish(sent, delivery);
    } catch (error) {
      const named = namedTransportError(error, name);
      for (const observer of observers) observer.afterPublish?.(sent, name, named as Error);
      throw named;
    }
    for (const observer of observers) observer.afterPublish?.(sent, name);
    statistics.countPublished(metadata.name, name);
    if (debugEnabled(log)) {
      log.debug(`Published ${metadata.name}`, {
        ...sent.header,
        transport: name,
        ...(viaOutbox ? { outbox: true } : {}),
      });
    }
    return sent.header;
  }

  /**
   * Where a publish with `delivery` goes: its transport, or the outbox for a transactional one the
   * transport cannot write. Throws `UnsupportedPublishOptionError` for an option neither honours.
   */
  private route(
    name: string,
    messageClass: string,
    delivery: TransportPublishOptions | undefined,
  ): { name: string; transport: Transport; viaOutbox: boolean } {
    const transport = this.parts.transports.get(name);
    if (delivery === undefined) return { name, transport, viaOutbox: false };
    const outbox = this.parts.outbox;
    const viaOutbox = delivery.transaction !== undefined && transport.supports?.transaction !== true && !!outbox;
    const unsupported = unsupportedOption(
      delivery,
      viaOutbox ? { ...outbox.supports, transaction: true } : transport.supports,
    );
    if (unsupported !== undefined) {
      throw new UnsupportedPublishOptionError(
        messageClass,
        unsupported,
        name,
        viaOutbox ? `${transport.kind}, through the outbox` : transport.kind,
      );
    }
    return { name, transport, viaOutbox };
  }

  /** Whether a publish goes through the circuit breaker, which takes one envelope at a time. */
  private breaks(delivery: TransportPublishOptions | undefined): boolean {
    return this.parts.breaker !== undefined && delivery?.transaction === undefined;
  }

  /** See `MessageBus.publishEnvelope`. */
  async republish(envelope: Envelope, transportName?: string): Promise<void> {
    const { lifecycle, statistics, log } = this.parts;
    lifecycle.assertNotClosed();
    const name = transportName ?? this.transportOfEnvelope(envelope);
    await this.observedSend(name, envelope);
    statistics.countPublished(envelope.header.messageClass, name);
    if (debugEnabled(log)) {
      log.debug(`Republished ${envelope.header.messageClass}`, { ...envelope.header, transport: name });
    }
  }

  /** Lets observers see (and, e.g. for trace context, amend) a message on its way to its transport. */
  private async observedSend(transportName: string, envelope: Envelope): Promise<Envelope> {
    const { observers } = this.parts;
    let sent = envelope;
    for (const observer of observers) sent = observer.beforePublish?.(sent, transportName) ?? sent;
    try {
      await this.hand(transportName, sent);
    } catch (error) {
      for (const observer of observers) observer.afterPublish?.(sent, transportName, error as Error);
      throw error;
    }
    for (const observer of observers) observer.afterPublish?.(sent, transportName);
    return sent;
  }

  private async hand(transportName: string, envelope: Envelope): Promise<void> {
    const transport = this.parts.transports.get(transportName);
    const { breaker } = this.parts;
    try {
      await (breaker ? breaker.publish(transportName, transport, envelope) : transport.publish(envelope));
    } catch (error) {
      throw namedTransportError(error, transportName);
    }
  }

  private transportOfEnvelope(envelope: Envelope): string {
    const { messageClass, version } = envelope.header;
    const metadata = this.parts.registry.all().find((type) => type.name === messageClass && type.version === version);
    return metadata?.transport ?? this.parts.transports.defaultName;
  }
}

/** The publish options with the class's default ordering key where the publish gives none. */
function withClassDefaults(options: PublishOptions, metadata: MessageTypeMetadata, message: object): PublishOptions {
  if (options.orderingKey !== undefined || metadata.orderingKey === undefined) return options;
  const orderingKey = metadata.orderingKey(message);
  return orderingKey === undefined ? options : { ...options, orderingKey };
}

interface RoutedMessage {
  readonly sealed: SealedMessage;
  readonly delivery: TransportPublishOptions | undefined;
  readonly name: string;
  readonly transport: Transport;
  readonly viaOutbox: boolean;
}

/**
 * Consecutive messages, in publish order, that one batch can carry: the same transport and the
 * same ordering key (a batch has one set of options; the other options are the publish's own).
 */
function runsOf(routed: readonly RoutedMessage[]): RoutedMessage[][] {
  const runs: RoutedMessage[][] = [];
  for (const message of routed) {
    const last = runs[runs.length - 1]?.[0];
    if (last?.name === message.name && last.delivery?.orderingKey === message.delivery?.orderingKey)
      runs[runs.length - 1].push(message);
    else runs.push([message]);
  }
  return runs;
}

const DELIVERY_OPTIONS: readonly TransportPublishCapability[] = ['transaction', 'notBefore', 'priority', 'orderingKey'];

function unsupportedOption(
  delivery: TransportPublishOptions,
  supports: TransportCapabilities | undefined,
): TransportPublishCapability | undefined {
  return DELIVERY_OPTIONS.find((option) => delivery[option] !== undefined && supports?.[option] !== true);
}
