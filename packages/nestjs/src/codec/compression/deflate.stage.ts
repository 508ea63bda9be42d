import { deflateSync, inflateSync } from 'node:zlib';
import { CompressionStageOptions } from './compression-options.interface';
import { CompressionStage } from './compression-stage';

/** Name of the deflate stage in a chain (`json+deflate`). */
export const DEFLATE_STAGE_NAME = 'deflate';

/**
 * Compresses with zlib-wrapped deflate (RFC 1950), what HTTP's `deflate` content coding means,
 * so the frame's `smcontentencoding: deflate` reads as it does there. Built in; register one
 * with other options under the same name through the `stages` option.
 */
export class DeflateStage extends CompressionStage {
  readonly name = DEFLATE_STAGE_NAME;

  constructor(options: CompressionStageOptions = {}) {
    super(
      {
        compress: (payload, level) => deflateSync(payload, { level }),
        decompress: (payload, maxOutputLength) => inflateSync(payload, { maxOutputLength }),
      },
      options,
      6,
      9,
      'DeflateStage',
    );
  }
}
