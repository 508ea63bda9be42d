import { InvalidFilterError } from '../errors';
import { AddressFilter, AddressPattern } from './address-filter.interface';

/** A normalised `from`/`to` filter: any element matching is enough; an empty list matches nothing. */
export type AddressMatcher = readonly AddressPattern[];

export function toAddressMatcher(filter: AddressFilter | undefined, field: string): AddressMatcher | undefined {
  if (filter === undefined || filter === null) return undefined;
  const patterns: readonly unknown[] = Array.isArray(filter) ? filter : [filter];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' && !(pattern instanceof RegExp)) {
      throw new InvalidFilterError(
        `${field} filter elements must be strings or RegExps, got ${pattern === null ? 'null' : typeof pattern}`,
      );
    }
  }
  return patterns as AddressMatcher;
}

export function matchesAddress(matcher: AddressMatcher, address: string | undefined): boolean {
  if (address === undefined) return false;
  for (const pattern of matcher) {
    if (typeof pattern === 'string' ? pattern === address : testPattern(pattern, address)) return true;
  }
  return false;
}

/** `RegExp#test` with the g or y flag keeps state between calls; matching must not. */
function testPattern(pattern: RegExp, address: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(address);
}
