import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetterStore, JsonlDeadLetterStore } from '@smart-message/nestjs';
import { describeDeadLetterStoreContract } from '@smart-message/testing';

const directory = mkdtempSync(join(tmpdir(), 'sm-dead-letters-contract-'));
let files = 0;

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeDeadLetterStoreContract('JsonlDeadLetterStore', {
  // A file per test, in a directory not yet there: the store creates what it needs.
  createStore: (bounds) => new JsonlDeadLetterStore(join(directory, `store-${++files}`, 'dead-letters.jsonl'), bounds),
  reopen: (store: DeadLetterStore) => new JsonlDeadLetterStore((store as JsonlDeadLetterStore).path),
});
