import { SmartMessageError } from './smart-message.error';

export class RequestTimeoutError extends SmartMessageError {
  readonly code = 'SM_REQUEST_TIMEOUT' as const;

  constructor(
    readonly messageType: string,
    readonly uuid: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to ${messageType} ${uuid} within ${timeoutMs} ms`);
  }
}
