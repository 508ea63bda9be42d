import { SmartMessageError } from './smart-message.error';

/** The bus is shutting down or shut down and takes no new messages. */
export class BusClosedError extends SmartMessageError {
  readonly code = 'SM_BUS_CLOSED' as const;
}
