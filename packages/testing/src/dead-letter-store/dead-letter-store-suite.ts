import { DeadLetterStore } from '@smart-message/nestjs';

/** What a group of contract cases registers its tests with. */
export interface DeadLetterStoreSuite {
  /** Registers a test that gets a fresh store. */
  test(title: string, body: (store: DeadLetterStore) => Promise<void>): void;
  /** Registers a test that also opens a second instance over the same data (skipped without `reopen`). */
  testReopened(
    title: string,
    body: (store: DeadLetterStore, reopen: () => Promise<DeadLetterStore>) => Promise<void>,
  ): void;
}
