import { SmartMessageError } from './smart-message.error';

/**
 * A message class declares a property that no payload can satisfy after its trip through the
 * wire (e.g. `@IsDate()` without `@Type(() => Date)`: JSON turns every Date into a string, so
 * every receipt would fail validation). Raised when `@Message()` registers the class.
 */
export class MessageDeclarationError extends SmartMessageError {
  readonly code = 'SM_MESSAGE_DECLARATION' as const;

  constructor(
    readonly className: string,
    readonly property: string,
    reason: string,
    readonly fix: string,
  ) {
    super(`${className}.${property} ${reason}: ${fix}`);
  }
}
