/** Options of the built-in compression stages (`DeflateStage`, `BrotliStage`). */
export interface CompressionStageOptions {
  /**
   * Payloads shorter than this many bytes are sent as they are, and the chain in the header
   * omits the stage (default `DEFAULT_COMPRESSION_MIN_BYTES`, 1024): below about 1 KB,
   * compressing costs more time than it saves bytes.
   */
  minBytes?: number;
  /**
   * The most bytes a received payload may inflate to (default `DEFAULT_MAX_INFLATED_BYTES`,
   * 4 MiB). Inflation stops there and the message is refused with `DecompressionLimitError`, so
   * a few hundred kilobytes of compressed zeros cannot become gigabytes in memory.
   */
  maxInflatedBytes?: number;
  /** zlib level 0–9 for `deflate` (default 6), Brotli quality 0–11 for `br` (default 4). */
  level?: number;
}

/** Default `minBytes` of the compression stages. */
export const DEFAULT_COMPRESSION_MIN_BYTES = 1024;

/** Default `maxInflatedBytes` of the compression stages: four times the Redis transports' default frame limit. */
export const DEFAULT_MAX_INFLATED_BYTES = 4 * 1024 * 1024;
