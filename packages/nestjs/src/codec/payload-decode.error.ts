import { SmartMessageError } from '../errors/smart-message.error';

/** A frame whose header is fine but whose payload the named serializer cannot read. */
export class PayloadDecodeError extends SmartMessageError {
  readonly code = 'SM_PAYLOAD_DECODE' as const;
}
