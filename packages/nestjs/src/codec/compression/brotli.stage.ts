import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { CompressionStageOptions } from './compression-options.interface';
import { CompressionStage } from './compression-stage';

/** Name of the Brotli stage in a chain (`json+br`), HTTP's content-coding name for Brotli. */
export const BROTLI_STAGE_NAME = 'br';

/**
 * Compresses with Brotli (RFC 7932). The default quality is 4, not zlib's 11: on messages of a
 * few kilobytes 11 is tens of times slower for a few percent fewer bytes.
 */
export class BrotliStage extends CompressionStage {
  readonly name = BROTLI_STAGE_NAME;

  constructor(options: CompressionStageOptions = {}) {
    super(
      {
        compress: (payload, level) =>
          brotliCompressSync(payload, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: level,
              [constants.BROTLI_PARAM_SIZE_HINT]: payload.length,
            },
          }),
        decompress: (payload, maxOutputLength) => brotliDecompressSync(payload, { maxOutputLength }),
      },
      options,
      4,
      11,
      'BrotliStage',
    );
  }
}
