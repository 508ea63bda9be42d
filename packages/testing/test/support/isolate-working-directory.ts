import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Jest setup file for every project: each test worker runs in a temporary working directory of
 * its own, so what the library keeps under the working directory by default (the dead letter
 * queue's `.smart-message/dead-letters.jsonl`) never lands in the checkout, where it would pile
 * up run after run and, for example, turn the sample app's readiness down.
 */
const WORKER_DIRECTORY_ENV = 'SMART_MESSAGE_TEST_WORKING_DIRECTORY';

let directory = process.env[WORKER_DIRECTORY_ENV];
if (directory === undefined) {
  const created = mkdtempSync(join(tmpdir(), 'smart-message-test-'));
  directory = created;
  process.env[WORKER_DIRECTORY_ENV] = created;
  process.once('exit', () => rmSync(created, { recursive: true, force: true }));
}
process.chdir(directory);
