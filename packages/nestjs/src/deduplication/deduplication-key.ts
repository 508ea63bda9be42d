import { DeduplicationRequest } from './deduplication-store.interface';

/**
 * What identifies a message to one handler: its sender and uuid. The sender's length comes
 * first, so no choice of `from` and `uuid` can spell another pair's key.
 */
export function deduplicationKey({ from = '', uuid }: Pick<DeduplicationRequest, 'from' | 'uuid'>): string {
  return `${from.length}:${from}:${uuid}`;
}
