import { backoffDelay } from './backoff-delay';

/** What a `ReconnectGate` needs to know of the connection it sends over. */
export interface GatedConnection {
  /** Whether a command sent now goes out at once. */
  isReady(): boolean;
  /** Calls `listener` once, the next time the connection becomes ready. */
  onceReady(listener: () => void): void;
  /**
   * Starts a connection that was never asked to connect (a lazy client); does nothing to one
   * that is connected or already reconnecting. A failure is the reconnect's to report.
   */
  connectIfIdle(): void;
  /**
   * Whether `error` is the connection dropping under the command (it may succeed once the
   * connection is back), not the broker refusing the command.
   */
  isConnectionError(error: unknown): boolean;
}

/** How long and how many calls may wait for a reconnect, and the transport's errors past those bounds. */
export interface ReconnectGateOptions {
  /** How long a call waits for the connection, from the moment it was made. */
  readonly timeoutMs: number;
  /** Calls that may wait for a reconnect at once; one more is refused at once. */
  readonly maxWaiting: number;
  /** The error when the connection was not back within `timeoutMs`; `cause` is the last failure, if there was one. */
  unavailable(timeoutMs: number, options?: { cause: unknown }): Error;
  /** The error for a call refused because `maxWaiting` calls already wait. */
  full(maxWaiting: number): Error;
}

/** Between two tries of a command that met a dropped connection: 10 ms, doubling to 500 ms. */
const RETRY_BACKOFF = { baseMs: 10, maxMs: 500 } as const;

/**
 * Runs commands so that an outage neither drops them nor buffers them without bound: while the
 * connection is away a call waits for the reconnect (at most `timeoutMs`, at most `maxWaiting`
 * calls at once) and is then sent; past either bound it fails with the transport's error. A
 * command the broker refuses on a healthy connection fails at once, with the broker's error.
 */
export class ReconnectGate {
  private waiting = 0;
  private readyPromise?: Promise<void>;

  constructor(
    private readonly connection: GatedConnection,
    private readonly options: ReconnectGateOptions,
  ) {}

  async run<T>(command: () => Promise<T>): Promise<T> {
    const { timeoutMs } = this.options;
    const deadline = Date.now() + timeoutMs;
    for (let failures = 0; ; failures++) {
      if (!this.connection.isReady()) await this.waitForReady(deadline);
      try {
        return await command();
      } catch (error) {
        // A command error on a healthy connection is the caller's; a dropped connection is retried.
        if (this.connection.isReady() && !this.connection.isConnectionError(error)) throw error;
        if (Date.now() >= deadline) throw this.options.unavailable(timeoutMs, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, RETRY_BACKOFF)));
      }
    }
  }

  private async waitForReady(deadline: number): Promise<void> {
    const { maxWaiting, timeoutMs } = this.options;
    if (this.waiting >= maxWaiting) throw this.options.full(maxWaiting);
    this.waiting++;
    let timer: NodeJS.Timeout | undefined;
    try {
      this.connection.connectIfIdle();
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(this.options.unavailable(timeoutMs)), Math.max(0, deadline - Date.now()));
      });
      await Promise.race([this.ready(), timedOut]);
    } finally {
      clearTimeout(timer);
      this.waiting--;
    }
  }

  /** One listener for every waiting call, however many there are. */
  private ready(): Promise<void> {
    this.readyPromise ??= new Promise<void>((resolve) =>
      this.connection.onceReady(() => {
        this.readyPromise = undefined;
        resolve();
      }),
    );
    return this.readyPromise;
  }
}
