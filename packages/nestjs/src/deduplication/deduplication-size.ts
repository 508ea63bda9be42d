import { InvalidMessageOptionsError } from '../errors';

/** Fails at decoration or construction time, not at the first duplicate, on a size that cannot bound anything. */
export function assertDeduplicationSize(size: number | undefined, owner: string): void {
  if (size === undefined) return;
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidMessageOptionsError(
      `${owner}: deduplication size must be a positive integer, got ${String(size)}`,
    );
  }
}
