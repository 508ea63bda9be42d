import { Injectable } from '@nestjs/common';
import { MessageContext } from '@smart-message/nestjs';
import { SampleLimits } from '../common/sample-limits';
import { ActivityEntry } from './activity-entry.interface';

/** Records which handler saw which message, so the running app can be inspected over HTTP. */
@Injectable()
export class ActivityJournal {
  private readonly entries: ActivityEntry[] = [];
  /** Kept bounded so a long-running sample does not grow without end: the oldest calls go first. */
  private readonly capacity: number;

  constructor(limits: SampleLimits) {
    this.capacity = limits.activity;
  }

  record(context: MessageContext): void {
    const { header, handlerId } = context;
    this.entries.push({
      handlerId,
      messageClass: header.messageClass,
      uuid: header.uuid,
      from: header.from,
      to: header.to ?? null,
    });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Oldest first. */
  list(): ActivityEntry[] {
    return [...this.entries];
  }
}
