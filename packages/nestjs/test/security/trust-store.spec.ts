import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  SigningKeyEntityMismatchError,
  SigningKeyError,
  SigningKeyRetiredError,
  SigningKeyUnknownError,
  TrustStore,
  fileTrustProvider,
  generateSigningKey,
  jwksTrustProvider,
} from '@smart-message/nestjs';

const orders = generateSigningKey('orders', 'orders-1');
const billing = generateSigningKey('billing', 'billing-1');
const dir = mkdtempSync(join(tmpdir(), 'trust-'));
const write = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('TrustStore', () => {
  it('maps each key id to one entity and refuses unknown keys, other entities and retired or expired keys', () => {
    const store = new TrustStore([
      orders.trusted,
      { ...billing.trusted, status: 'retired' },
      {
        entity: 'shipping',
        kid: 'shipping-1',
        key: generateSigningKey('shipping', 'x').trusted.key,
        notAfter: '2026-12-01T00:00:00Z',
      },
    ]);
    expect(store.keyFor('orders', 'orders-1', NOW)).toMatchObject({ entity: 'orders', alg: 'ed25519' });
    expect(() => store.keyFor('orders', 'orders-2', NOW)).toThrow(SigningKeyUnknownError);
    expect(() => store.keyFor('billing', 'orders-1', NOW)).toThrow(SigningKeyEntityMismatchError);
    expect(() => store.keyFor('billing', 'billing-1', NOW)).toThrow(SigningKeyRetiredError);
    expect(() => store.keyFor('shipping', 'shipping-1', NOW)).toThrow(/expired at 2026-12-01/);
    expect(store.describe()).toEqual([
      { entity: 'orders', kid: 'orders-1', alg: 'ed25519', status: 'active' },
      { entity: 'billing', kid: 'billing-1', alg: 'ed25519', status: 'retired' },
      { entity: 'shipping', kid: 'shipping-1', alg: 'ed25519', status: 'active' },
    ]);
  });

  it.each<[string, object, RegExp]>([
    ['a key id listed for two entities', { ...billing.trusted, kid: 'orders-1' }, /also listed for "orders"/],
    [
      'an RSA key',
      { entity: 'x', kid: 'x-1', key: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey },
      /not Ed25519/,
    ],
    ['bytes that are no key', { entity: 'x', kid: 'x-1', key: 'bm90IGEga2V5' }, /cannot be read/],
    ['a short hs256 secret', { entity: 'x', kid: 'x-1', alg: 'hs256', key: Buffer.alloc(16) }, /at least 32/],
    ['an unknown algorithm', { entity: 'x', kid: 'x-1', alg: 'rs256', key: 'x' }, /not one of/],
    ['a key id with a slash', { ...billing.trusted, kid: 'a/b' }, /key id/],
  ])('refuses %s at startup, naming the key', (_, entry, message) => {
    expect(() => new TrustStore([orders.trusted, entry as never], 'trust.json')).toThrow(SigningKeyError);
    expect(() => new TrustStore([orders.trusted, entry as never], 'trust.json')).toThrow(message);
  });

  it('reads a trust file, and reload() swaps the keys in one step, keeping the old ones when the file is bad', async () => {
    const path = write('trust.json', { keys: [orders.trusted] });
    const store = TrustStore.from(fileTrustProvider(path));
    expect(() => store.keyFor('billing', 'billing-1', NOW)).toThrow(SigningKeyUnknownError);

    write('trust.json', { keys: [orders.trusted, billing.trusted] });
    await expect(store.reload()).resolves.toEqual(['orders-1', 'billing-1']);
    expect(store.keyFor('billing', 'billing-1', NOW).entity).toBe('billing');

    write('trust.json', { keys: [{ ...billing.trusted, kid: 'orders-1' }, orders.trusted] });
    await expect(store.reload()).rejects.toThrow(SigningKeyError);
    expect(store.keyFor('billing', 'billing-1', NOW).entity).toBe('billing');
  });

  it('names the file and the fix when it is missing', () => {
    expect(() => TrustStore.from(fileTrustProvider(join(dir, 'missing.json')))).toThrow(
      /missing\.json: cannot be read \(ENOENT\)/,
    );
  });

  it('reads JWKS documents per entity from a file and over HTTP, and refuses to build synchronously from one', async () => {
    const jwk = { ...createPublicKey(orders.trusted.key).export({ format: 'jwk' }), kid: 'orders-1', use: 'sig' };
    const other = { kty: 'RSA', kid: 'ignored', n: 'x', e: 'AQAB' };
    const file = write('orders.jwks.json', { keys: [jwk, other] });
    const billingJwk = {
      ...createPublicKey(billing.trusted.key).export({ format: 'jwk' }),
      kid: 'billing-1',
      status: 'retired',
    };
    const server = createServer((_, response) => response.end(JSON.stringify({ keys: [billingJwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      const provider = jwksTrustProvider({ orders: file, billing: url });
      expect(() => TrustStore.from(provider)).toThrow(/await TrustStore.load/);
      const store = await TrustStore.load(provider);
      expect(store.describe()).toEqual([
        { entity: 'orders', kid: 'orders-1', alg: 'ed25519', status: 'active' },
        { entity: 'billing', kid: 'billing-1', alg: 'ed25519', status: 'retired' },
      ]);
    } finally {
      server.close();
    }
  });
});
