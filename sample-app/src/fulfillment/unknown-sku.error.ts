/** The warehouse has no such article on file: fulfillment cannot pack the order until it has. */
export class UnknownSkuError extends Error {
  override readonly name = 'UnknownSkuError';
  readonly code = 'UNKNOWN_SKU';

  constructor(readonly sku: string) {
    super(`The warehouse has no article ${sku} on file`);
  }
}
