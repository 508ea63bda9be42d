import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Jest setup for every project: each test file runs in a temporary working directory of its own,
 * removed after the file, so what the library keeps under the working directory by default (the
 * dead letter queue's `.smart-message/dead-letters.jsonl`) never lands in the checkout, where it
 * would pile up run after run and, for example, turn the sample app's readiness down.
 */
const checkout = process.cwd();
const directory = mkdtempSync(join(tmpdir(), 'smart-message-test-'));
process.chdir(directory);

afterAll(() => {
  process.chdir(checkout);
  rmSync(directory, { recursive: true, force: true });
});
