import { InvalidOptionError, PayloadDecodeError } from '../../errors';
import { PayloadStage, PayloadStageContext } from '../chain/payload-stage.interface';
import {
  CompressionStageOptions,
  DEFAULT_COMPRESSION_MIN_BYTES,
  DEFAULT_MAX_INFLATED_BYTES,
} from './compression-options.interface';
import { DecompressionLimitError } from './decompression-limit.error';

/** What a compression stage does with bytes: node:zlib's sync functions under one shape. */
export interface Compressor {
  compress(payload: Uint8Array, level: number): Uint8Array;
  /** Throws a `RangeError` with code `ERR_BUFFER_TOO_LARGE` past `maxOutputLength`. */
  decompress(payload: Uint8Array, maxOutputLength: number): Uint8Array;
}

/**
 * A compression stage: skipped below `minBytes` (the chain then omits it), and inflation
 * bounded by `maxInflatedBytes`. Synchronous, like the JSON path: a payload is at most a frame,
 * and the bound keeps a decode to milliseconds.
 */
export abstract class CompressionStage implements PayloadStage {
  readonly kind = 'compression' as const;
  abstract readonly name: string;
  readonly minBytes: number;
  readonly maxInflatedBytes: number;
  protected readonly level: number;

  protected constructor(
    private readonly compressor: Compressor,
    options: CompressionStageOptions,
    defaultLevel: number,
    maxLevel: number,
    owner: string,
  ) {
    this.minBytes = wholeNumber(options.minBytes ?? DEFAULT_COMPRESSION_MIN_BYTES, 0, owner, 'minBytes');
    this.maxInflatedBytes = wholeNumber(
      options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
      1,
      owner,
      'maxInflatedBytes',
    );
    this.level = wholeNumber(options.level ?? defaultLevel, 0, owner, 'level', maxLevel);
  }

  encode(payload: Uint8Array, _context?: PayloadStageContext): Uint8Array | undefined {
    if (payload.length < this.minBytes) return undefined;
    return this.compressor.compress(payload, this.level);
  }

  decode(payload: Uint8Array, _context?: PayloadStageContext): Uint8Array {
    try {
      return this.compressor.decompress(payload, this.maxInflatedBytes);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new DecompressionLimitError(this.name, this.maxInflatedBytes, { cause: error });
      throw new PayloadDecodeError(`payload is not valid "${this.name}" data: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

function wholeNumber(value: number, min: number, owner: string, option: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidOptionError(owner, option, value, `a whole number from ${min} to ${max}`);
  return value;
}
