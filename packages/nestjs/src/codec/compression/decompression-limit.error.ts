import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * A received payload would inflate past its stage's `maxInflatedBytes`: a decompression bomb, or
 * a message larger than receivers were configured for. Inflation stopped at the limit; the
 * message is reported as `undecodable`.
 */
export class DecompressionLimitError extends SmartMessageError {
  readonly code = 'SM_DECOMPRESSION_LIMIT' as const;

  constructor(
    readonly stage: string,
    readonly limit: number,
    options?: { cause?: unknown },
  ) {
    super(
      `The "${stage}" payload inflates past ${limit} bytes and was refused: if such messages are legitimate, ` +
        `raise maxInflatedBytes of the receivers' "${stage}" stage (option \`stages\`), or send large content by reference`,
      options,
    );
  }
}
