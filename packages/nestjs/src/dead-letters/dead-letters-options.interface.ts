import { DeadLetterStore } from './dead-letter-store.interface';

/** The module's `deadLetters` option; `false` keeps no dead letters. */
export interface DeadLettersOptions {
  /** Default: a `JsonlDeadLetterStore` at `DEFAULT_DEAD_LETTERS_FILE` under the working directory. */
  store?: DeadLetterStore;
}

/** Where the module keeps dead letters unless told otherwise, relative to `process.cwd()`. */
export const DEFAULT_DEAD_LETTERS_FILE = '.smart-message/dead-letters.jsonl';
