import type { MessageType } from '@smart-message/nestjs';
import { HarnessAssertionError } from '../errors/harness-assertion.error';
import type { CapturedMessage, HarnessEventKind } from './captured-message';
import { describeMatch, matches, MessageMatch } from './message-match';

/** Turns a message class into its routing name; the harness asks the bus's catalog. */
export type MessageClassName = (type: MessageType) => string;

/** How many captured entries a failure message shows at most; the count is always given. */
const SHOWN = 20;

/**
 * One typed list of captured events (published, handled, …). Every query takes the message
 * class and, optionally, a `MessageMatch`; a query that fails says what the list does hold.
 */
export class MessageList {
  constructor(
    readonly kind: HarnessEventKind,
    private readonly entries: () => readonly CapturedMessage[],
    private readonly nameOf: MessageClassName,
  ) {}

  /** Every entry, or those of `type` matching `match`, in the order captured. */
  all<T extends object>(type?: MessageType<T>, match?: MessageMatch<T>): CapturedMessage<T>[] {
    const name = type === undefined ? undefined : this.nameOf(type);
    return (this.entries() as CapturedMessage<T>[]).filter(
      (entry) => (name === undefined || entry.messageClass === name) && matches(entry, match),
    );
  }

  /** Whether an entry of `type` matching `match` was captured. */
  any<T extends object>(type?: MessageType<T>, match?: MessageMatch<T>): boolean {
    return this.all(type, match).length > 0;
  }

  /** How many entries (of `type`, matching `match`). */
  count<T extends object>(type?: MessageType<T>, match?: MessageMatch<T>): number {
    return this.all(type, match).length;
  }

  /** The first entry (of `type`, matching `match`); throws, listing what was captured, if none. */
  first<T extends object>(type?: MessageType<T>, match?: MessageMatch<T>): CapturedMessage<T> {
    const found = this.all(type, match);
    if (found.length === 0) throw new HarnessAssertionError(this.explain('no', type, match));
    return found[0];
  }

  /** The one entry (of `type`, matching `match`); throws, listing what was captured, unless exactly one. */
  single<T extends object>(type?: MessageType<T>, match?: MessageMatch<T>): CapturedMessage<T> {
    const found = this.all(type, match);
    if (found.length !== 1) {
      throw new HarnessAssertionError(
        this.explain(found.length === 0 ? 'no' : `${found.length}`, type, match, 'exactly one'),
      );
    }
    return found[0];
  }

  /** "Expected exactly one published OrderPlaced with {…}, found 2. Published (3): …" */
  explain<T extends object>(
    found: string,
    type: MessageType<T> | undefined,
    match: MessageMatch<T> | undefined,
    expected = 'a',
  ): string {
    const what = type === undefined ? 'message' : this.nameOf(type);
    return `Expected ${expected} ${this.kind} ${what}${describeMatch(match as MessageMatch<object>)}, found ${found}.\n${this.describe()}`;
  }

  /** The list, readably: one line per entry. */
  describe(): string {
    const entries = this.entries();
    const label = this.kind[0].toUpperCase() + this.kind.slice(1);
    if (entries.length === 0) return `${label}: none`;
    const lines = entries.slice(0, SHOWN).map((entry) => `  ${describeEntry(entry)}`);
    if (entries.length > SHOWN) lines.push(`  … and ${entries.length - SHOWN} more`);
    return `${label} (${entries.length}):\n${lines.join('\n')}`;
  }
}

export function describeEntry(entry: CapturedMessage): string {
  let payload: string;
  try {
    payload = JSON.stringify(entry.payload);
  } catch (error) {
    payload = `<unreadable payload: ${(error as Error).message}>`;
  }
  const parts = [`#${entry.sequence} ${entry.messageClass} ${payload}`, `on ${entry.transport}`];
  if (entry.handlerId) parts.push(`by ${entry.handlerId}`);
  if (entry.attempt !== undefined) parts.push(`attempt ${entry.attempt}`);
  if (entry.reason) parts.push(`reason ${entry.reason}`);
  if (entry.error) parts.push(`error ${entry.error.name}: ${entry.error.message}`);
  return parts.join(', ');
}
