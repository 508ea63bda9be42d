import { DEFAULT_DEAD_LETTERS_FILE } from './dead-letters-options.interface';

/** Entity names longer than this are cut, so the file name stays within what file systems take. */
const MAX_NAME_LENGTH = 100;

/**
 * Where the module keeps an entity's dead letters unless told otherwise, relative to the working
 * directory: `.smart-message/<entity>.dead-letters.jsonl`, so that apps started from one directory
 * do not share one file (and one app's dead letters do not turn another's readiness down).
 * Without an entity, `DEFAULT_DEAD_LETTERS_FILE`. Characters a file name cannot safely hold
 * become `_`, so no entity name can point outside `.smart-message/`.
 */
export function defaultDeadLettersFile(entity?: string): string {
  if (entity === undefined || entity.trim() === '') return DEFAULT_DEAD_LETTERS_FILE;
  const safe = entity
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, MAX_NAME_LENGTH);
  return `.smart-message/${safe}.dead-letters.jsonl`;
}
