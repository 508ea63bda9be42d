import { Injectable } from '@nestjs/common';
import { MessageContext } from '@smart-message/nestjs';
import { ActivityEntry } from './activity-entry.interface';

/** Kept bounded so a long-running sample does not grow without end. */
const JOURNAL_CAPACITY = 1000;

/** Records which handler saw which message, so the running app can be inspected over HTTP. */
@Injectable()
export class ActivityJournal {
  private readonly entries: ActivityEntry[] = [];

  record(context: MessageContext): void {
    const { header, handlerId } = context;
    this.entries.push({
      handlerId,
      messageType: header.messageClass,
      uuid: header.uuid,
      from: header.from,
      to: header.to ?? null,
    });
    if (this.entries.length > JOURNAL_CAPACITY) this.entries.shift();
  }

  /** Oldest first. */
  list(): ActivityEntry[] {
    return [...this.entries];
  }
}
