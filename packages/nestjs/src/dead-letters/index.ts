export type { DeadLetterEntry, DeadLetterError } from './dead-letter-entry.interface';
export type {
  DeadLetterStore,
  DeadLetterFilter,
  DeadLetterQuery,
  DeadLetterOrder,
  DeadLetterPage,
  DeadLetterStats,
} from './dead-letter-store.interface';
export type { DeadLettersOptions } from './dead-letters-options.interface';
export { DEFAULT_DEAD_LETTERS_FILE } from './dead-letters-options.interface';
export { defaultDeadLettersFile } from './default-dead-letters-file';
export { DeadLetterQueue } from './dead-letter-queue';
export { MemoryDeadLetterStore } from './memory-dead-letter.store';
export { JsonlDeadLetterStore } from './jsonl-dead-letter.store';
export type { JsonlDeadLetterStoreOptions, JsonlCompaction } from './jsonl-dead-letter.store';
export { UNKNOWN_MESSAGE_CLASS } from './dead-letter-stats';
export { toStoredDeadLetter } from './stored-dead-letter';
export type { StoredDeadLetter } from './stored-dead-letter';
export type { ReplayVia, ReplayOptions, ReplayOutcome, ReplayReport, DeadLetterReplayTarget } from './replay.interface';
export { InvalidDeadLetterQueryError } from './invalid-dead-letter-query.error';
export { InvalidDeadLetterBoundError } from './invalid-dead-letter-bound.error';
export { DEFAULT_DEAD_LETTER_MAX_ENTRIES, DEFAULT_DEAD_LETTER_MAX_BYTES } from './dead-letter-bounds';
export type { DeadLetterBoundsOptions } from './dead-letter-bounds';
export type { MemoryDeadLetterStoreOptions } from './memory-dead-letter.store';
export { DeadLettersNotConnectedError } from './dead-letters-not-connected.error';
