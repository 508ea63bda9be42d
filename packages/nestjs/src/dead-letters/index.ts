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
export { deadLetterListener } from './dead-letter-listener';
export { deadLetterIdOf } from './dead-letter-id';
export { MemoryDeadLetterStore } from './memory-dead-letter.store';
export { JsonlDeadLetterStore } from './jsonl-dead-letter.store';
export type { JsonlDeadLetterStoreOptions, JsonlCompaction } from './jsonl-dead-letter.store';
export {
  compileDeadLetterFilter,
  resolvePaging,
  compareDeadLetters,
  pageOfDeadLetters,
  DEFAULT_DEAD_LETTER_PAGE_SIZE,
} from './dead-letter-query';
export type { CompiledDeadLetterFilter, DeadLetterPaging, DeadLetterIndexFields } from './dead-letter-query';
export { DeadLetterStatsCounter, summarizeDeadLetters, UNKNOWN_MESSAGE_CLASS } from './dead-letter-stats';
export {
  toStoredDeadLetter,
  fromStoredDeadLetter,
  parseStoredDeadLetter,
  isStoredDeadLetter,
} from './stored-dead-letter';
export type { StoredDeadLetter } from './stored-dead-letter';
export type { ReplayVia, ReplayOptions, ReplayOutcome, ReplayReport, DeadLetterReplayTarget } from './replay.interface';
export { InvalidDeadLetterQueryError } from './invalid-dead-letter-query.error';
export { InvalidDeadLetterBoundError } from './invalid-dead-letter-bound.error';
export {
  DEFAULT_DEAD_LETTER_MAX_ENTRIES,
  DEFAULT_DEAD_LETTER_MAX_BYTES,
  resolveDeadLetterBounds,
  deadLetterSize,
  evictedDeadLetter,
  reportEvictions,
} from './dead-letter-bounds';
export type { DeadLetterBoundsOptions, DeadLetterBounds, EvictedDeadLetter } from './dead-letter-bounds';
export type { MemoryDeadLetterStoreOptions } from './memory-dead-letter.store';
export { DeadLettersNotConnectedError } from './dead-letters-not-connected.error';
