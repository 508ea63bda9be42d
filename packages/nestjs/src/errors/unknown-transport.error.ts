import { SmartMessageError } from './smart-message.error';

export class UnknownTransportError extends SmartMessageError {
  readonly code = 'SM_UNKNOWN_TRANSPORT' as const;

  constructor(
    readonly transportName: string,
    known: readonly string[],
  ) {
    super(`No transport named "${transportName}" is configured (configured: ${known.join(', ') || 'none'})`);
  }
}
