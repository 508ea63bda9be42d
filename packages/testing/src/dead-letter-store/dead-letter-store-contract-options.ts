import { DeadLetterBoundsOptions, DeadLetterStore } from '@smart-message/nestjs';

export interface DeadLetterStoreContractOptions {
  /**
   * A fresh, empty store for each test; it must not see entries of other tests or runs. The
   * bounds cases pass `bounds` (`maxEntries`, `maxBytes`, `logger`), which the store must apply.
   */
  createStore(bounds?: DeadLetterBoundsOptions): Promise<DeadLetterStore> | DeadLetterStore;
  /**
   * For stores that keep entries outside the process (a file, Redis): a second instance over the
   * same data as `store`. Without it, the case that entries outlive the instance is skipped.
   */
  reopen?(store: DeadLetterStore): Promise<DeadLetterStore> | DeadLetterStore;
  /** Runs after each test with the store it used (and the reopened one), e.g. to delete keys. Default: `close()`. */
  destroyStore?(store: DeadLetterStore): Promise<void>;
  /** Per-test timeout. Default 10000. */
  testTimeoutMs?: number;
}
