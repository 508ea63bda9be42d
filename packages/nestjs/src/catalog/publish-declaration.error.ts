import { SmartMessageError } from '../errors/smart-message.error';

/** A `@Publishes()` or `publishes` entry names something the catalog cannot describe. */
export class PublishDeclarationError extends SmartMessageError {
  readonly code = 'SM_PUBLISH_DECLARATION' as const;

  constructor(
    readonly publisher: string,
    reason: string,
  ) {
    super(`Cannot declare what ${publisher} publishes: ${reason}`);
  }
}
