/**
 * The faster poll while LISTEN is down. Consumers poll on their own at the slow backstop
 * (`idlePollIntervalMs`); without wake-ups that would leave new rows waiting that long, so while
 * the listener is away this timer wakes every consumer at `pollIntervalMs` instead.
 */
export class DownPoller {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number | undefined,
    private readonly poll: () => void,
  ) {}

  /** Starts polling (idempotent). Without an interval (the backstop is already that fast) it does nothing. */
  start(): void {
    if (this.intervalMs === undefined || this.timer) return;
    this.timer = setInterval(this.poll, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
