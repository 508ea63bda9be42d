import { SmartMessageError } from './smart-message.error';

export class InvalidFilterError extends SmartMessageError {
  readonly code = 'SM_INVALID_FILTER' as const;
}
