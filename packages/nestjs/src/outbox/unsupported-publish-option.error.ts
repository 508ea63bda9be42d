import { SmartMessageError } from '../errors/smart-message.error';
import type { TransportPublishCapability } from '../transports/transport-publish-options.interface';

const FIX: Record<TransportPublishCapability, string> = {
  transaction:
    'configure a transactional outbox (for one, PostgresOutbox from @smart-message/postgres) as the `outbox` option of ' +
    'SmartMessageModule.forRoot() / new MessageBus(), use a transport that writes inside your transaction ' +
    '(PostgresTransport), or publish after the commit',
  notBefore: 'send the type over a transport that delays deliveries (PostgresTransport), or publish it when it is due',
  priority: 'send the type over a transport with priorities (PostgresTransport), or leave `priority` out',
  orderingKey: 'send the type over a transport that orders by key (PostgresTransport), or leave `orderingKey` out',
};

/**
 * A publish asked for a delivery option (`transaction`, `delayMs`/`notBefore`, `priority`,
 * `orderingKey`) that its transport does not honour. Nothing was sent: a silently ignored delay
 * or transaction would send a message early, or send one the caller's rollback meant to cancel.
 */
export class UnsupportedPublishOptionError extends SmartMessageError {
  readonly code = 'SM_PUBLISH_OPTION_UNSUPPORTED' as const;

  constructor(
    readonly messageClass: string,
    readonly option: TransportPublishCapability,
    readonly transportName: string,
    readonly transportKind: string,
  ) {
    const asked = option === 'notBefore' ? '`delayMs`/`notBefore`' : `\`${option}\``;
    super(
      `Cannot publish ${messageClass} with ${asked}: transport "${transportName}" (${transportKind}) does not support it, ` +
        `and nothing was sent. To fix: ${FIX[option]}`,
    );
  }
}
