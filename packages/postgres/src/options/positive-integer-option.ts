import { InvalidOptionError } from '@smart-message/nestjs';

/** Checks an optional positive integer option of `owner`; `fallback` when it is left out. */
export function positiveIntegerOption(
  owner: string,
  option: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new InvalidOptionError(owner, option, value, 'a positive integer');
  return value;
}
