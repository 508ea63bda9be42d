import { DeadLetterFilter } from '@smart-message/nestjs';

/** True when the filter names at least one criterion, so it does not match every entry. */
export function filtersSomething(filter: DeadLetterFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}
