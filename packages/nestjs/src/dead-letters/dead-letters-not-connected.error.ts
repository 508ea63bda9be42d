import { SmartMessageError } from '../errors/smart-message.error';

/** Replay needs a message bus to send through; this queue was never connected to one. */
export class DeadLettersNotConnectedError extends SmartMessageError {
  readonly code = 'SM_DEAD_LETTERS_NOT_CONNECTED' as const;

  constructor() {
    super('The dead letter queue is not connected to a message bus: call connect(bus) before replaying');
  }
}
