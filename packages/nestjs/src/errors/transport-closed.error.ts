import { SmartMessageError } from './smart-message.error';

export class TransportClosedError extends SmartMessageError {
  readonly code = 'SM_TRANSPORT_CLOSED' as const;

  constructor(readonly transportName: string) {
    super(`Transport "${transportName}" is closed`);
  }
}
