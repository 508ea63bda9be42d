import { SmartMessageError } from '../errors/smart-message.error';

/** A message holds a value its serializer cannot write so that it reads back the same; nothing was sent. */
export class PayloadEncodeError extends SmartMessageError {
  readonly code = 'SM_PAYLOAD_ENCODE' as const;
}
