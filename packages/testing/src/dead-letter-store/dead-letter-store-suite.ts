import { DeadLetterBoundsOptions, DeadLetterStore } from '@smart-message/nestjs';

/** Bounds a bounded case creates its store with; the logger is the suite's. */
export type ContractBounds = Omit<DeadLetterBoundsOptions, 'logger'>;

/** What a group of contract cases registers its tests with. */
export interface DeadLetterStoreSuite {
  /** Registers a test that gets a fresh store. */
  test(title: string, body: (store: DeadLetterStore) => Promise<void>): void;
  /** Registers a test that also opens a second instance over the same data (skipped without `reopen`). */
  testReopened(
    title: string,
    body: (store: DeadLetterStore, reopen: () => Promise<DeadLetterStore>) => Promise<void>,
  ): void;
  /** Registers a test with a fresh store of these bounds, and the warnings it logged. */
  testBounded(
    title: string,
    bounds: ContractBounds,
    body: (store: DeadLetterStore, warnings: string[]) => Promise<void>,
  ): void;
  /** Registers a test that creates stores itself (each is destroyed after the test). */
  testBounds(
    title: string,
    body: (create: (bounds: ContractBounds) => Promise<DeadLetterStore>) => Promise<void>,
  ): void;
}
