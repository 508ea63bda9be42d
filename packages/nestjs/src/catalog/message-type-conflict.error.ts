import { SmartMessageError } from '../errors/smart-message.error';

/**
 * Two different classes claim the same routing name and version. This is also how a minified
 * build shows itself when classes lost their names and no explicit `name` was given.
 */
export class MessageTypeConflictError extends SmartMessageError {
  readonly code = 'SM_MESSAGE_TYPE_CONFLICT' as const;

  constructor(
    readonly messageClass: string,
    readonly version: number,
  ) {
    super(
      `Two different classes are registered as message type "${messageClass}" v${version}. ` +
        'Give each @Message() an explicit, unique name (class names do not survive minification).',
    );
  }

  /** @deprecated Since 0.2: the routing name is `messageClass` everywhere, as in the header. */
  get messageType(): string {
    return this.messageClass;
  }
}
