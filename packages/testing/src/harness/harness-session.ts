import type { MessageType } from '@smart-message/nestjs';
import type { CapturedMessage, HarnessEventKind } from './captured-message';
import { MessageList, MessageClassName } from './message-list';

/** The typed lists of one stretch of capture: the whole harness, or one `run()`. */
export class HarnessSession {
  readonly published: MessageList;
  readonly received: MessageList;
  readonly handled: MessageList;
  readonly failed: MessageList;
  readonly retried: MessageList;
  readonly deadLettered: MessageList;
  readonly replied: MessageList;

  constructor(entries: (kind: HarnessEventKind) => readonly CapturedMessage[], nameOf: MessageClassName) {
    const list = (kind: HarnessEventKind): MessageList => new MessageList(kind, () => entries(kind), nameOf);
    this.published = list('published');
    this.received = list('received');
    this.handled = list('handled');
    this.failed = list('failed');
    this.retried = list('retried');
    this.deadLettered = list('deadLettered');
    this.replied = list('replied');
  }

  /** Every list, readably: what a failed assertion prints. */
  describe(): string {
    return this.lists()
      .map((list) => list.describe())
      .join('\n');
  }

  /** Whether `type` appears in any list. */
  saw(type: MessageType): boolean {
    return this.lists().some((list) => list.any(type));
  }

  private lists(): MessageList[] {
    return [this.published, this.received, this.handled, this.failed, this.retried, this.deadLettered, this.replied];
  }
}
