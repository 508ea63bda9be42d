import { SmartMessageError } from './smart-message.error';

export class UnknownSerializerError extends SmartMessageError {
  readonly code = 'SM_UNKNOWN_SERIALIZER' as const;

  constructor(readonly serializerName: string) {
    super(`No serializer named "${serializerName}" is registered`);
  }
}
