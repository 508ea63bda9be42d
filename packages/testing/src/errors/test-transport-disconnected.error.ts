import { SmartMessageError } from '@smart-message/nestjs';

/** A publish on a test transport the test disconnected (`harness.transport(name).disconnect()`). */
export class TestTransportDisconnectedError extends SmartMessageError {
  readonly code = 'SM_HARNESS_TRANSPORT_DISCONNECTED' as const;

  constructor(readonly transport: string) {
    super(`Transport "${transport}" is disconnected by the test; call harness.transport('${transport}').reconnect()`);
  }
}
