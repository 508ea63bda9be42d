import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { KeyEntry, MessageBus, aes256gcm, generateSigningKey } from '@smart-message/nestjs';
import { RedisDeadLetterStore, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { SealedPayment } from './fixtures/sealed-payment.message';
import { ChildAppProcess, ChildEvent } from './support/child-app-process';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

jest.setTimeout(120_000);

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const KID = 'a-2026-12';

/** Every field of every stream entry under `prefix`, as Redis stores them. */
async function storedFrames(prefix: string): Promise<string> {
  const redis = new Redis();
  try {
    const frames: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500, 'TYPE', 'stream');
      for (const key of keys) for (const [, fields] of await redis.xrange(key, '-', '+')) frames.push(...fields);
      cursor = next;
    } while (cursor !== '0');
    return frames.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('a signed and encrypted message between two Nest processes over Redis Streams', () => {
  const prefix = uniquePrefix('secure-interop');
  const dir = mkdtempSync(join(tmpdir(), 'sm-secure-interop-'));
  const a = generateSigningKey('a', KID);
  const encryption: KeyEntry[] = [{ kid: 'payments-2026-12', key: randomBytes(32), status: 'primary' }];
  const files = {
    SIGNING_IDENTITY_FILE: join(dir, 'a-identity.json'),
    TRUST_FILE: join(dir, 'trust.json'),
    KEYS_FILE: join(dir, 'keys.json'),
  };
  const children: ChildAppProcess[] = [];
  const forgers: MessageBus[] = [];
  const deadLetters = new RedisDeadLetterStore({ prefix: `${prefix}dead-letters:` });
  let b: ChildAppProcess;

  const start = (role: 'publisher' | 'subscriber', env: Record<string, string> = {}): ChildAppProcess => {
    const child = new ChildAppProcess({ ROLE: role, PREFIX: prefix, ...files, ...env }, 'secure-child-app.ts');
    children.push(child);
    return child;
  };
  const handledBy = (child: ChildAppProcess, uuid: string): ChildEvent | undefined =>
    child.handled().find((event) => event.uuid === uuid);

  beforeAll(async () => {
    // A holds its private key only; B holds A's public key and the shared a256gcm keys, as deployed services would.
    writeFileSync(files.SIGNING_IDENTITY_FILE, JSON.stringify(a.identity), { mode: 0o600 });
    writeFileSync(files.TRUST_FILE, JSON.stringify({ keys: [a.trusted] }));
    writeFileSync(
      files.KEYS_FILE,
      JSON.stringify({
        keys: encryption.map((entry) => ({ ...entry, key: Buffer.from(entry.key).toString('base64') })),
      }),
      { mode: 0o600 },
    );
    b = start('subscriber');
    await b.ready();
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await Promise.all(forgers.map((bus) => bus.shutdown(1000)));
    await deadLetters.close();
    await deleteKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('B handles what A signed and sealed, proven as A, and Redis never holds the payload in clear', async () => {
    const card = `canary-${randomUUID()}`;
    const publisher = start('publisher', { PUBLISH: JSON.stringify([{ seq: 1, card }]) });
    await publisher.waitFor((events) => events.some((event) => event.event === 'done'));
    const published = publisher.events.find((event) => event.event === 'published')!;
    expect((published as ChildEvent & { signature: string }).signature).toMatch(/^v1;ed25519;a-2026-12;/);

    await b.waitFor(() => handledBy(b, published.uuid!) !== undefined);
    expect(handledBy(b, published.uuid!)).toMatchObject({
      entity: 'b',
      seq: 1,
      card,
      from: 'a',
      verified: true,
      encrypted: true,
      signer: { entity: 'a', kid: KID, alg: 'ed25519' },
      serializer: 'json+a256gcm',
    });
    expect(b.pid).not.toBe(publisher.pid);
    const frames = await storedFrames(prefix);
    expect(frames).toContain(published.uuid);
    expect(frames).not.toContain(card);
  });

  it.each([
    ['unsigned', undefined, 'policy-violation', 'SM_SIGNATURE_MISSING'],
    [
      'signed by another key under A’s key id',
      generateSigningKey('a', KID).identity,
      'unverified',
      'SM_SIGNATURE_INVALID',
    ],
  ])('a frame forged as A, %s, is dead-lettered in B and not handled', async (_, identity, reason, code) => {
    // The forger has broker access and even the shared encryption key: only the signature stands in its way.
    const forger = new MessageBus({
      entity: 'a',
      logger: silent,
      transports: { redis: new RedisStreamsTransport({ prefix, logger: silent }) },
      stages: [aes256gcm({ keys: encryption })],
      ...(identity ? { security: { identities: [identity] } } : {}),
    });
    forgers.push(forger);
    await forger.start();
    const card = `forged-${randomUUID()}`;
    const header = await forger.publish(Object.assign(new SealedPayment(), { seq: 2, card }));
    expect(header.from).toBe('a');
    expect(header.signature === undefined).toBe(identity === undefined);

    // The refusal is the message's last word: once it is reported, no handler ran and none will.
    await b.waitFor((events) => events.some((event) => event.event === 'undeliverable' && event.uuid === header.uuid));
    expect(b.events.find((event) => event.event === 'undeliverable' && event.uuid === header.uuid)).toMatchObject({
      reason,
      code,
    });
    expect(handledBy(b, header.uuid)).toBeUndefined();
    expect(b.handled().map((event) => (event as ChildEvent & { card: string }).card)).not.toContain(card);

    await waitFor(
      async () =>
        (await deadLetters.list({ messageClass: 'SealedPayment' })).entries.some(
          (entry) => entry.envelope?.header.uuid === header.uuid,
        ),
      'the dead letter in Redis',
    );
    const entry = (await deadLetters.list({ messageClass: 'SealedPayment' })).entries.find(
      (candidate) => candidate.envelope?.header.uuid === header.uuid,
    )!;
    expect(entry).toMatchObject({ reason, error: { code } });
    // What B keeps of a refused message stays sealed.
    expect(JSON.stringify(entry)).not.toContain(card);
  });
});
