import { InvalidMessageOptionsError } from '../errors';
import { isPlainRecord } from './plain-record';
import { Downcaster, PlainPayload } from './upcaster.interface';
import { DowncastFailedError } from './downcast-failed.error';

/**
 * The older versions one class can be published as, for consumers that are not upgraded yet:
 * downcasters keyed by the version they write, a chain down from `version - 1` without gaps,
 * checked when `@Message()` runs.
 */
export class DowncastPlan {
  /** The oldest version the class can be published as. */
  readonly oldest: number;
  private readonly steps: readonly Downcaster[];

  constructor(
    private readonly messageClass: string,
    readonly version: number,
    downcast: Readonly<Record<number, Downcaster>>,
  ) {
    if (downcast === null || typeof downcast !== 'object')
      throw new InvalidMessageOptionsError(`${messageClass}: downcast must be an object of version → function`);
    const keys = Object.keys(downcast).map((key) => {
      const to = Number(key);
      if (!Number.isInteger(to) || to < 1 || String(to) !== key || to >= version)
        throw new InvalidMessageOptionsError(
          `${messageClass}: downcast key "${key}" must be a version below ${version} (the version it writes)`,
        );
      if (typeof downcast[to] !== 'function')
        throw new InvalidMessageOptionsError(`${messageClass}: downcast[${to}] is not a function`);
      return to;
    });
    this.oldest = keys.length === 0 ? version : Math.min(...keys);
    for (let to = version - 1; to >= this.oldest; to--)
      if (!keys.includes(to))
        throw new InvalidMessageOptionsError(
          `${messageClass}: the downcast chain from version ${version} to ${this.oldest} has a gap: add downcast[${to}] (${
            to + 1
          } → ${to})`,
        );
    // steps[i] writes version `version - 1 - i`.
    this.steps = Array.from({ length: version - this.oldest }, (_, i) => downcast[version - 1 - i]);
  }

  /** Whether the class can be published as `to`. */
  writes(to: number): boolean {
    return Number.isInteger(to) && to >= this.oldest && to <= this.version;
  }

  /** The current version's plain payload brought down to `to` (a version `writes` accepts). */
  downcast(to: number, payload: PlainPayload): PlainPayload {
    let current = payload;
    for (let v = this.version; v > to; v--) {
      let next: unknown;
      try {
        next = this.steps[this.version - v](current);
      } catch (error) {
        throw new DowncastFailedError(this.messageClass, v - 1, error);
      }
      if (!isPlainRecord(next)) throw new DowncastFailedError(this.messageClass, v - 1);
      current = next;
    }
    return current;
  }
}
