import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageHeader, fileRecipientKeyProvider, x25519Recipient } from '@smart-message/nestjs';
import {
  addRecipientKey,
  promoteRecipientKey,
  readRecipientKeys,
  retireRecipientKey,
  writeRecipientKeys,
} from '../src/messaging/recipient-keys';

const header: MessageHeader = {
  uuid: 'u-1',
  messageClass: 'PaymentRequested',
  version: 1,
  publishedAt: '2026-12-04T00:00:00.000Z',
  publisherPid: 1,
  from: 'orders',
  to: 'payments',
  serializer: 'json+x25519',
};

describe('the sample recipient keys file (`pnpm keys recipient`)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'recipient-keys-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('rotates in three phases, and the stage reads the file at each one', () => {
    const path = join(folder, 'nested', 'recipient-keys.json');
    const stage = () => x25519Recipient({ keys: fileRecipientKeyProvider(path) });
    const file = readRecipientKeys(path);
    addRecipientKey(file, 'payments', 'payments-1');
    writeRecipientKeys(path, file);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const inFlight = stage().encode(Buffer.from('{"cents":1}'), { header });

    // Phase 1: the new private key is decrypt-only, and senders still wrap to the old one.
    addRecipientKey(file, 'payments', 'payments-2');
    writeRecipientKeys(path, file);
    expect(stage().keys.recipient('payments').kid).toBe('payments-1');
    // Phase 2: senders wrap to the new key; what is in flight still opens.
    promoteRecipientKey(file, 'payments-2');
    writeRecipientKeys(path, file);
    expect(stage().keys.recipient('payments').kid).toBe('payments-2');
    expect(Buffer.from(stage().decode(inFlight, { header })).toString()).toBe('{"cents":1}');
    // Phase 3: the old key retired, a frame wrapped to it is refused by name.
    retireRecipientKey(file, 'payments-1');
    writeRecipientKeys(path, file);
    expect(() => stage().decode(inFlight, { header })).toThrow(expect.objectContaining({ code: 'SM_KEY_RETIRED' }));
    expect(() => retireRecipientKey(file, 'payments-2')).toThrow(/not the primary/);
  });
});
