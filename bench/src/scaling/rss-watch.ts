/** How often the watch looks at RSS; a peak shorter than this may be missed. */
const INTERVAL_MS = 10;

/**
 * The largest RSS seen while watching. The kernel's own peak (`maxRSS`) is no use here: every
 * worker reaches its peak while ts-node compiles the sources at start-up, before any work.
 */
export class RssWatch {
  private peak = 0;
  private timer?: NodeJS.Timeout;

  start(): this {
    this.look();
    this.timer ??= setInterval(this.look, INTERVAL_MS);
    return this;
  }

  /** Stops watching; returns the peak in MB. */
  stop(): number {
    this.look();
    clearInterval(this.timer);
    this.timer = undefined;
    return this.peakMb;
  }

  get peakMb(): number {
    return this.peak / (1024 * 1024);
  }

  private readonly look = (): void => {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  };
}
