import { InvalidMessageOptionsError } from '../errors';
import { isPlainRecord } from './plain-record';
import { FutureVersionError } from './future-version.error';
import { UpcastFailedError } from './upcast-failed.error';
import { FutureVersionPolicy, PlainPayload, Upcaster } from './upcaster.interface';

/** How a handler's class reads a received version. */
export type VersionReading =
  /** The class's own version. */
  | { readonly kind: 'current' }
  /** An older version the upcast chain brings to the current one. */
  | { readonly kind: 'upcast'; readonly from: number }
  /** A newer version read for what the class declares (`onFutureVersion: 'tolerant'`). */
  | { readonly kind: 'tolerant' }
  /** A newer version the class refuses (`onFutureVersion: 'reject'`, the default). */
  | { readonly kind: 'future' }
  /** An older version the class does not read: no upcaster from it, or below `minVersion`. */
  | { readonly kind: 'unsupported' };

export interface VersionPlanOptions {
  readonly upcast?: Readonly<Record<number, Upcaster>>;
  readonly minVersion?: number;
  readonly onFutureVersion?: FutureVersionPolicy;
}

const CURRENT: VersionReading = Object.freeze({ kind: 'current' });
const TOLERANT: VersionReading = Object.freeze({ kind: 'tolerant' });
const FUTURE: VersionReading = Object.freeze({ kind: 'future' });
const UNSUPPORTED: VersionReading = Object.freeze({ kind: 'unsupported' });

/**
 * The versions one message class reads and how: checked and composed once, when `@Message()`
 * runs, so a gap in the chain fails at startup naming the class, and a received message costs a
 * lookup and its own chain of calls.
 */
export class VersionPlan {
  /** The oldest version the class reads (its own version when it has no upcasters). */
  readonly minVersion: number;
  readonly onFutureVersion: FutureVersionPolicy;
  private readonly steps: readonly Upcaster[];
  private readonly upcastReadings: readonly VersionReading[];

  constructor(
    private readonly messageClass: string,
    readonly version: number,
    options: VersionPlanOptions = {},
  ) {
    const steps = checkedSteps(messageClass, version, options.upcast ?? {});
    const lowest = version - steps.length;
    const minVersion = options.minVersion ?? lowest;
    if (!Number.isInteger(minVersion) || minVersion < 1 || minVersion > version)
      throw new InvalidMessageOptionsError(
        `${messageClass}: minVersion must be an integer from 1 to version ${version}, got ${String(minVersion)}`,
      );
    if (minVersion < lowest)
      throw new InvalidMessageOptionsError(
        `${messageClass}: minVersion ${minVersion} is below ${lowest}, the oldest version an upcaster reads: ` +
          `add upcast[${minVersion}]${minVersion + 1 < lowest ? ` to upcast[${lowest - 1}]` : ''} or raise minVersion`,
      );
    // An upcaster below minVersion would never run: either the cut-over or the upcaster is a mistake.
    if (minVersion > lowest)
      throw new InvalidMessageOptionsError(
        `${messageClass}: minVersion ${minVersion} is above upcast[${lowest}], which would never run: ` +
          `remove the upcasters below ${minVersion}, or lower minVersion to ${lowest}`,
      );
    const onFutureVersion = options.onFutureVersion ?? 'reject';
    if (onFutureVersion !== 'reject' && onFutureVersion !== 'tolerant')
      throw new InvalidMessageOptionsError(
        `${messageClass}: onFutureVersion must be 'reject' or 'tolerant', got ${String(onFutureVersion)}`,
      );
    this.minVersion = minVersion;
    this.onFutureVersion = onFutureVersion;
    this.steps = steps;
    // One reading per upcast version only: `version` itself may be any integer a class declares.
    this.upcastReadings = steps.map((_, i) => Object.freeze({ kind: 'upcast', from: minVersion + i }));
  }

  /** The versions the class reads by upcasting, oldest first (empty without upcasters). */
  get upcastVersions(): number[] {
    return Array.from({ length: this.version - this.minVersion }, (_, i) => this.minVersion + i);
  }

  /** How a message of `received` version is read (a header version is a positive integer). */
  reading(received: number): VersionReading {
    if (received === this.version) return CURRENT;
    if (received > this.version) return this.onFutureVersion === 'tolerant' ? TOLERANT : FUTURE;
    return this.upcastReadings[received - this.minVersion] ?? UNSUPPORTED;
  }

  /** The refusal of a future version, for its dead letter. */
  futureVersionError(received: number): FutureVersionError {
    return new FutureVersionError(this.messageClass, this.version, received);
  }

  /**
   * Brings a payload of version `from` (a version `reading` upcasts) to the current version, one
   * upcaster after another. A step that throws or returns no plain object gives the typed error;
   * a payload that is no object at all is returned as it is, for validation to refuse.
   */
  upcast(from: number, payload: unknown): unknown {
    // Not an object at all: nothing an upcaster could read; validation refuses it as it is.
    if (!isPlainRecord(payload)) return payload;
    let current: PlainPayload = payload;
    for (let v = from; v < this.version; v++) {
      let next: unknown;
      try {
        next = this.steps[v - this.minVersion](current);
      } catch (error) {
        return new UpcastFailedError(this.messageClass, v, error);
      }
      if (!isPlainRecord(next)) return new UpcastFailedError(this.messageClass, v);
      current = next;
    }
    return current;
  }
}

/** The upcasters in version order, refusing keys that are not versions below `version`, and gaps. */
function checkedSteps(messageClass: string, version: number, upcast: Readonly<Record<number, Upcaster>>): Upcaster[] {
  if (upcast === null || typeof upcast !== 'object')
    throw new InvalidMessageOptionsError(`${messageClass}: upcast must be an object of version → function`);
  const keys = Object.keys(upcast).map((key) => {
    const from = Number(key);
    if (!Number.isInteger(from) || from < 1 || String(from) !== key)
      throw new InvalidMessageOptionsError(
        `${messageClass}: upcast key "${key}" is not a version (a positive integer)`,
      );
    if (from >= version)
      throw new InvalidMessageOptionsError(
        `${messageClass}: upcast[${from}] reads version ${from}, which is not older than version ${version}: ` +
          `upcasters go from an older version to the next, up to ${version - 1}`,
      );
    if (typeof upcast[from] !== 'function')
      throw new InvalidMessageOptionsError(`${messageClass}: upcast[${from}] is not a function`);
    return from;
  });
  if (keys.length === 0) return [];
  const lowest = Math.min(...keys);
  // Keys are distinct, so the chain is whole exactly when it has one per version from the lowest.
  const missing: number[] = [];
  const present = new Set(keys);
  for (let v = lowest; v < version && keys.length < version - lowest && missing.length < 5; v++)
    if (!present.has(v)) missing.push(v);
  if (missing.length > 0)
    throw new InvalidMessageOptionsError(
      `${messageClass}: the upcast chain from version ${lowest} to ${version} has a gap: ` +
        `add ${missing.map((v) => `upcast[${v}] (${v} → ${v + 1})`).join(', ')}${
          missing.length === 5 ? ', …' : ''
        }, or drop the upcasters below ${highestGap(present, version) + 1} and set minVersion`,
    );
  return Array.from({ length: version - lowest }, (_, i) => upcast[lowest + i]);
}

/** The newest version below `version` without an upcaster (a chain with a gap has one). */
function highestGap(present: ReadonlySet<number>, version: number): number {
  let v = version - 1;
  while (present.has(v)) v--;
  return v;
}
