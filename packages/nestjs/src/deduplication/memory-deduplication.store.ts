import { DEFAULT_DEDUPLICATION_SIZE } from './deduplication.constants';
import { deduplicationKey } from './deduplication-key';
import { assertDeduplicationSize } from './deduplication-size';
import {
  DeduplicationCheck,
  DeduplicationMark,
  DeduplicationRequest,
  DeduplicationStore,
} from './deduplication-store.interface';

export interface MemoryDeduplicationStoreOptions {
  /** Processed uuids kept per handler unless a request says otherwise (default 100). */
  size?: number;
}

/**
 * Per handler, a bounded set of processed uuids that forgets the oldest first, as the original's
 * memory DDQ. In-progress marks never expire: their holder lives in this process and always
 * completes or releases them.
 */
export class MemoryDeduplicationStore implements DeduplicationStore {
  readonly size: number;
  /** Per handler, (from, uuid) key to uuid; a Map iterates in insertion order, so its first entry is the oldest. */
  private readonly processed = new Map<string, Map<string, string>>();
  private readonly marks = new Map<string, Map<string, string>>();
  private nextToken = 1;

  constructor(options: MemoryDeduplicationStoreOptions = {}) {
    assertDeduplicationSize(options.size, 'MemoryDeduplicationStore');
    this.size = options.size ?? DEFAULT_DEDUPLICATION_SIZE;
  }

  begin(request: DeduplicationRequest): Promise<DeduplicationCheck> {
    const { handlerId } = request;
    const key = deduplicationKey(request);
    if (this.processed.get(handlerId)?.has(key)) return Promise.resolve({ status: 'duplicate' });
    const marks = this.marksOf(handlerId);
    if (marks.has(key)) return Promise.resolve({ status: 'in-progress' });
    const token = String(this.nextToken++);
    marks.set(key, token);
    return Promise.resolve({ status: 'new', mark: { ...request, token } });
  }

  complete(mark: DeduplicationMark): Promise<void> {
    this.dropMark(mark);
    let uuids = this.processed.get(mark.handlerId);
    if (!uuids) {
      uuids = new Map();
      this.processed.set(mark.handlerId, uuids);
    }
    // A message already remembered keeps its place: being seen again does not make it younger.
    const key = deduplicationKey(mark);
    if (!uuids.has(key)) uuids.set(key, mark.uuid);
    const bound = mark.size ?? this.size;
    for (const oldest of uuids.keys()) {
      if (uuids.size <= bound) break;
      uuids.delete(oldest);
    }
    return Promise.resolve();
  }

  release(mark: DeduplicationMark): Promise<void> {
    this.dropMark(mark);
    return Promise.resolve();
  }

  /** The uuids remembered for a handler, oldest first. */
  entries(handlerId: string): string[] {
    return [...(this.processed.get(handlerId)?.values() ?? [])];
  }

  /** Forgets what one handler, or every handler, processed. */
  clear(handlerId?: string): void {
    if (handlerId === undefined) this.processed.clear();
    else this.processed.delete(handlerId);
  }

  private marksOf(handlerId: string): Map<string, string> {
    let marks = this.marks.get(handlerId);
    if (!marks) {
      marks = new Map();
      this.marks.set(handlerId, marks);
    }
    return marks;
  }

  private dropMark(mark: DeduplicationMark): void {
    const marks = this.marks.get(mark.handlerId);
    const key = deduplicationKey(mark);
    if (marks?.get(key) !== mark.token) return;
    marks.delete(key);
    if (marks.size === 0) this.marks.delete(mark.handlerId);
  }
}
