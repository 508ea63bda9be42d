import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@smart-message/nestjs';
import { paymentEncryption } from '../src/messaging/encryption.config';
import { createKeysFileIfMissing, readKeys, toKeyEntries } from '../src/messaging/sample-keys';

describe('the sample keys file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sample-keys-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('is created once, whole, owner-only, with one primary key the keyring accepts', () => {
    const path = join(folder, 'a', 'keys.json');
    expect(createKeysFileIfMissing(path)).toBe(true);
    const first = readKeys(path);
    expect(createKeysFileIfMissing(path)).toBe(false);

    expect(readKeys(path)).toEqual(first);
    expect(first).toEqual([expect.objectContaining({ status: 'primary' })]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(new Keyring(toKeyEntries(first)).primary().kid).toBe(first[0]!.kid);
  });

  it('lets the sample start without one: the stage is built from the file it creates', () => {
    const path = join(folder, 'b', 'keys.json');
    const stage = paymentEncryption({ SAMPLE_KEYS_FILE: path });
    expect(stage.keyring.describe()).toEqual([{ kid: readKeys(path)[0]!.kid, status: 'primary' }]);
  });
});
