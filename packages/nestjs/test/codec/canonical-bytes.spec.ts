import { randomBytes } from 'node:crypto';
import { MessageHeader } from '@smart-message/nestjs';
import { canonicalHeaderBytes } from '@smart-message/nestjs/transport-kit';
import { canonicalBytes } from '../../src/codec/encryption/canonical-header';
import { signedBytes } from '../../src/security/signing/signed-bytes';

/** The canonical form as its documentation states it, one value at a time: what every peer must write. */
function byTheDefinition(values: readonly unknown[]): Uint8Array {
  const parts: number[] = [];
  for (const value of values) {
    if (value === undefined || value === null) {
      parts.push(0);
      continue;
    }
    const bytes =
      value instanceof Uint8Array ? value : new TextEncoder().encode(typeof value === 'string' ? value : String(value));
    parts.push(
      1,
      (bytes.length >>> 24) & 255,
      (bytes.length >>> 16) & 255,
      (bytes.length >>> 8) & 255,
      bytes.length & 255,
    );
    parts.push(...bytes);
  }
  return Uint8Array.from(parts);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const header: MessageHeader = {
  messageClass: 'OrderPlaced',
  version: 2,
  uuid: '6f1c2b8e-3d4a-4c5b-9e6f-7a8b9c0d1e2f',
  publishedAt: '2026-12-04T19:00:00.000Z',
  publisherPid: 4242,
  from: 'orders',
  to: 'fulfillment',
  serializer: 'json+a256gcm',
  sentAt: '2026-12-04T19:00:00.001Z',
};

describe('canonical bytes', () => {
  // Written by the first implementation (a TextEncoder array per value) before it was replaced by
  // one sized buffer: messages in flight, dead letters and archives were encrypted and signed
  // over these bytes, so they may never change.
  it('are the bytes encrypted and signed messages were sealed over since the format was defined', () => {
    expect(hex(canonicalHeaderBytes(header, 'orders-2026'))).toBe(
      '0100000018736d6172742d6d6573736167652f6132353667636d2f7631010000000b4f72646572506c61636564010000000132010000002436663163326238652d336434612d346335622d396536662d3761386239633064316532660100000018323032362d31322d30345431393a30303a30302e3030305a01000000043432343201000000066f7264657273010000000b66756c66696c6c6d656e74000000010000000c6a736f6e2b6132353667636d010000000b6f72646572732d32303236',
    );
    expect(hex(signedBytes(header, 'ed25519', 'orders-1', '{"sku":"MUG-01"}'))).toBe(
      '010000001a736d6172742d6d6573736167652f7369676e61747572652f7631010000000b4f72646572506c61636564010000000132010000002436663163326238652d336434612d346335622d396536662d3761386239633064316532660100000018323032362d31322d30345431393a30303a30302e3030305a01000000043432343201000000066f7264657273010000000b66756c66696c6c6d656e74000000010000000c6a736f6e2b6132353667636d0100000018323032362d31322d30345431393a30303a30302e3030315a01000000076564323535313901000000086f72646572732d310100000020ee4291ff72b1ff4c146a2dc4d1d569a2c056c79329d1dde1391669a079e8c61d',
    );
  });

  it('agree with the definition for any values: absent, empty, numbers, bytes, multi-byte and lone surrogates', () => {
    const samples: unknown[] = [
      undefined,
      null,
      '',
      'a',
      0,
      42,
      3.5,
      'é€😀',
      '\ud800',
      'x\udfffy',
      'ünïcødé'.repeat(50),
    ];
    for (let round = 0; round < 500; round++) {
      const values = Array.from({ length: 1 + (round % 17) }, (_, i) =>
        (round + i) % 7 === 0 ? randomBytes((round * 13 + i) % 70) : samples[(round * 7 + i * 3) % samples.length],
      );
      expect(hex(canonicalBytes(values))).toBe(hex(byTheDefinition(values)));
    }
  });
});
