import { DeadLetterStore } from './dead-letter-store.interface';

/** The module's `deadLetters` option; `false` keeps no dead letters. */
export interface DeadLettersOptions {
  /**
   * Default: a `JsonlDeadLetterStore` at `defaultDeadLettersFile(entity)` under the working directory
   * (`.smart-message/<entity>.dead-letters.jsonl`), whose absolute path is logged at startup.
   */
  store?: DeadLetterStore;
}

/** Where the module keeps dead letters of a bus without an `entity`, relative to `process.cwd()`. */
export const DEFAULT_DEAD_LETTERS_FILE = '.smart-message/dead-letters.jsonl';
