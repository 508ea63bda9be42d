import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Points the sample app's dead letters (`SMART_MESSAGE_DEAD_LETTERS`, read at boot) at a file of
 * the test's own, so what a test finds there is what it caused; `remove()` unsets it and deletes it.
 */
export function ownDeadLetterFile(name: string): { remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), `sample-${name}-`));
  process.env.SMART_MESSAGE_DEAD_LETTERS = join(directory, 'dead-letters.jsonl');
  return {
    remove(): void {
      delete process.env.SMART_MESSAGE_DEAD_LETTERS;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
