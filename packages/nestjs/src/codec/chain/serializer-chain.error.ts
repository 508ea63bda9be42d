import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * A serializer chain (`header.serializer`, `@Message({ serializer })`) that cannot be run: an
 * empty part, a stage named twice, more parts than `MAX_CHAIN_PARTS`, a stage nobody registered,
 * or compression before encryption without the class's consent. The message names the fix.
 */
export class SerializerChainError extends SmartMessageError {
  readonly code = 'SM_SERIALIZER_CHAIN' as const;

  constructor(
    readonly chain: string,
    problem: string,
  ) {
    super(`Serializer chain "${chain}" ${problem}`);
  }
}
