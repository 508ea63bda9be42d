/** A publishing statement's answer: each receiving group, and whether it was notified. */
export interface FannedGroup {
  group_name: string;
  notified: boolean;
}

/**
 * At most one wake-up NOTIFY per consumer group per `windowMs`, for one transport instance.
 * Publishes in the window leave the group out of their NOTIFY (`recent()`), and the first one
 * left out schedules one trailing NOTIFY at the window's end, so a consumer that went idle just
 * before the skipped message committed still wakes within the window rather than at its next poll.
 */
export class NotifyThrottle {
  private readonly sentAt = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly windowMs: number,
    /** Sends one NOTIFY for `group` outside any transaction; never rejects. */
    private readonly send: (group: string) => Promise<void>,
  ) {}

  /** The groups notified within the window: the next publish does not notify them again. */
  recent(): string[] {
    if (this.windowMs === 0) return [];
    const now = Date.now();
    const recent: string[] = [];
    for (const [group, at] of this.sentAt) {
      if (now - at < this.windowMs) recent.push(group);
      // Forgotten once stale: the map holds only groups published to within one window.
      else this.sentAt.delete(group);
    }
    return recent;
  }

  /** Records what an autocommit publish notified (now committed) and schedules a trailing NOTIFY for what it skipped. */
  committed(groups: readonly FannedGroup[]): void {
    if (this.windowMs === 0 || this.closed) return;
    const now = Date.now();
    for (const { group_name: group, notified } of groups) {
      if (notified) this.sentAt.set(group, now);
      else if (!this.trailing.has(group)) {
        const due = Math.max(0, (this.sentAt.get(group) ?? now) + this.windowMs - now);
        const timer = setTimeout(() => {
          this.trailing.delete(group);
          this.sentAt.set(group, Date.now());
          void this.send(group);
        }, due);
        timer.unref();
        this.trailing.set(group, timer);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
  }
}
