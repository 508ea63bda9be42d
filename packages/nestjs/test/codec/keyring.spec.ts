import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsString } from 'class-validator';
import {
  Keyring,
  MemoryTransport,
  Message,
  MessageBus,
  aes256gcm,
  envKeyProvider,
  fileKeyProvider,
} from '@smart-message/nestjs';

@Message({ name: 'KeyedNote', serializer: 'json+a256gcm' })
class KeyedNote {
  @IsString() text!: string;
}

@Message({ name: 'KeyedThenDeflated', serializer: 'json+a256gcm+deflate' })
class KeyedThenDeflated {
  @IsString() text!: string;
}

const base64 = (bytes: Buffer): string => bytes.toString('base64');

describe('Keyring', () => {
  it('refuses a key that is not 32 bytes at startup, naming the key id and the fix', () => {
    expect(() => new Keyring([{ kid: '2026-12', key: randomBytes(16), status: 'primary' }], 'file keys.json')).toThrow(
      expect.objectContaining({
        name: 'EncryptionKeyError',
        code: 'SM_ENCRYPTION_KEY',
        message: expect.stringMatching(/file keys\.json: key "2026-12" is 16 bytes, not 32: generate 32 random bytes/),
      }),
    );
  });

  it.each([
    [
      'two primaries',
      [
        { kid: 'a', status: 'primary' },
        { kid: 'b', status: 'primary' },
      ],
      'both primary',
    ],
    [
      'an id twice',
      [
        { kid: 'a', status: 'primary' },
        { kid: 'a', status: 'decrypt-only' },
      ],
      'listed twice',
    ],
    ['a malformed id', [{ kid: 'has space', status: 'primary' }], 'is not 1–64 letters'],
    ['an unknown status', [{ kid: 'a', status: 'active' }], 'has status "active"'],
  ])('refuses %s', (_case, entries, problem) => {
    const keys = entries.map((entry) => ({ ...entry, key: randomBytes(32) })) as never;
    expect(() => new Keyring(keys)).toThrow(
      expect.objectContaining({ code: 'SM_ENCRYPTION_KEY', message: expect.stringContaining(problem) }),
    );
  });

  it('gives decrypt-only keys for decryption, refuses retired ones by name and unknown ones as not found', () => {
    const ring = new Keyring([
      { kid: 'new', key: randomBytes(32), status: 'primary' },
      { kid: 'old', key: randomBytes(32), status: 'decrypt-only' },
      { kid: 'older', key: randomBytes(32), status: 'retired' },
    ]);
    expect(ring.primary().kid).toBe('new');
    expect(ring.forDecryption('old').kid).toBe('old');
    expect(() => ring.forDecryption('older')).toThrow(
      expect.objectContaining({ name: 'KeyRetiredError', code: 'SM_KEY_RETIRED', kid: 'older' }),
    );
    expect(() => ring.forDecryption('gone')).toThrow(
      expect.objectContaining({ name: 'KeyNotFoundError', code: 'SM_KEY_NOT_FOUND', kid: 'gone' }),
    );
    expect(ring.describe()).toEqual([
      { kid: 'new', status: 'primary' },
      { kid: 'old', status: 'decrypt-only' },
      { kid: 'older', status: 'retired' },
    ]);
  });

  it('lets a receive-only service start without a primary, and refuses to publish with none', async () => {
    const bus = new MessageBus({
      entity: 'reader',
      transports: { memory: new MemoryTransport() },
      stages: [aes256gcm({ keys: [{ kid: 'old', key: randomBytes(32), status: 'decrypt-only' }] })],
    });
    await bus.start();
    await expect(bus.publish(Object.assign(new KeyedNote(), { text: 'x' }))).rejects.toMatchObject({
      code: 'SM_KEY_NOT_FOUND',
      message: expect.stringContaining('no primary key'),
    });
    await bus.shutdown();
  });
});

describe('key providers', () => {
  const folder = mkdtempSync(join(tmpdir(), 'keyring-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('env: reads SMART_MESSAGE_KEYS, and refuses to start when it is not set', () => {
    const key = randomBytes(32);
    const env = { SMART_MESSAGE_KEYS: JSON.stringify({ keys: [{ kid: 'e1', key: base64(key), status: 'primary' }] }) };
    expect(aes256gcm({ keys: envKeyProvider({ env }) }).keyring.describe()).toEqual([{ kid: 'e1', status: 'primary' }]);
    expect(() => aes256gcm({ keys: envKeyProvider({ env: {} }) })).toThrow(
      expect.objectContaining({
        code: 'SM_ENCRYPTION_KEY',
        message: expect.stringContaining('SMART_MESSAGE_KEYS: is not set'),
      }),
    );
  });

  it('file: reads the keyring file; a missing file, bad JSON or bad base64 stop the start', () => {
    const path = join(folder, 'keys.json');
    writeFileSync(path, JSON.stringify({ keys: [{ kid: 'f1', key: base64(randomBytes(32)), status: 'primary' }] }));
    expect(aes256gcm({ keys: fileKeyProvider(path) }).keyring.primary().kid).toBe('f1');

    expect(() => fileKeyProvider(join(folder, 'missing.json')).load()).toThrow(
      expect.objectContaining({
        code: 'SM_ENCRYPTION_KEY',
        message: expect.stringContaining('ENOENT): create it with `pnpm keys`'),
      }),
    );
    writeFileSync(path, '{ nope');
    expect(() => fileKeyProvider(path).load()).toThrow(
      expect.objectContaining({ message: expect.stringContaining('is not JSON') }),
    );
    writeFileSync(path, JSON.stringify({ keys: [{ kid: 'f1', key: 'not base64!', status: 'primary' }] }));
    expect(() => fileKeyProvider(path).load()).toThrow(
      expect.objectContaining({ message: expect.stringContaining('key "f1" is not a base64 string') }),
    );
    writeFileSync(path, JSON.stringify({ keys: [{ kid: 'f1', key: base64(randomBytes(31)), status: 'primary' }] }));
    expect(() => aes256gcm({ keys: fileKeyProvider(path) })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('key "f1" is 31 bytes') }),
    );
  });
});

describe('chain order', () => {
  it('refuses a compression stage after the encryption stage when the class is resolved', async () => {
    const bus = new MessageBus({
      entity: 'order',
      transports: { memory: new MemoryTransport() },
      stages: [aes256gcm({ keys: [{ kid: 'k', key: randomBytes(32), status: 'primary' }] })],
    });
    await bus.start();
    await expect(bus.publish(Object.assign(new KeyedThenDeflated(), { text: 'x' }))).rejects.toMatchObject({
      code: 'SM_SERIALIZER_CHAIN',
      message: expect.stringContaining('put the encryption stage "a256gcm" last'),
    });
    await bus.shutdown();
  });
});
