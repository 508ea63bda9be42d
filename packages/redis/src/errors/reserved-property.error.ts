import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A message whose payload has a property the frame format reserves was refused before it was
 * sent: in a Ruby SmartMessage frame a payload property `_sm_header` would sit beside the real
 * header, and readers (this codec's and the Ruby gem's) would take it as the header.
 */
export class ReservedPropertyError extends SmartMessageError {
  readonly code = 'SM_RESERVED_PROPERTY' as const;

  constructor(
    readonly messageClass: string,
    readonly property: string,
  ) {
    super(
      `${messageClass} has a payload property named ${property}, which the Ruby SmartMessage frame reserves for its header; ` +
        'the message was not sent. Rename the property',
    );
  }
}
