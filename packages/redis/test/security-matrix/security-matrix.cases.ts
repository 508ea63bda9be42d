import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { IsInt, IsString } from 'class-validator';
import {
  KeyEntry,
  Message,
  MessagePolicy,
  MessageType,
  PublishOptions,
  ReceivePolicy,
  SecurityEventName,
  TrustedKeyEntry,
  UndeliverableReason,
  allowVerifiedFrom,
  generateSigningKey,
} from '@smart-message/nestjs';
import { FrameEdit, bytesOf, encryptedLayout, flipByte } from './matrix-frames';

/** What every matrix message carries; `note` holds the case's canary. */
export class MatrixBody {
  @IsString() id!: string;
  @IsInt() total!: number;
  @IsString() note!: string;
}

@Message({ name: 'MatrixSealed', from: 'orders', serializer: 'json+a256gcm', acceptSerializers: ['msgpack+a256gcm'] })
export class MatrixSealed extends MatrixBody {}

/** The same name one version up: a frame moved onto it must not decrypt. */
@Message({ name: 'MatrixSealed', version: 2, from: 'orders', serializer: 'json+a256gcm' })
export class MatrixSealedV2 extends MatrixBody {}

/** Another class with the same chain: the target of a type swap (Wolverine's cross-handler attack). */
@Message({ name: 'MatrixSealedTwin', from: 'orders', serializer: 'json+a256gcm' })
export class MatrixSealedTwin extends MatrixBody {}

@Message({ name: 'MatrixSigned', from: 'orders', acceptSerializers: ['msgpack'] })
export class MatrixSigned extends MatrixBody {}

@Message({ name: 'MatrixSigned', version: 2, from: 'orders' })
export class MatrixSignedV2 extends MatrixBody {}

@Message({ name: 'MatrixSignedTwin', from: 'orders' })
export class MatrixSignedTwin extends MatrixBody {}

@Message({ name: 'MatrixCompressed', from: 'orders', serializer: 'json+deflate' })
export class MatrixCompressed extends MatrixBody {}

@Message({ name: 'MatrixPayment', from: 'orders' })
export class MatrixPayment extends MatrixBody {}

export const ORDERS = generateSigningKey('orders', 'orders-1');
export const PAYMENTS = generateSigningKey('payments', 'payments-1');

/** Key ids of one length, so a kid edit keeps the payload's layout. */
const OLD_KID = 'k-2026-11';
const NEW_KID = 'k-2026-12';
const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
export const SENDER_KEYS: KeyEntry[] = [{ kid: OLD_KID, key: OLD_KEY, status: 'primary' }];
/** The receiver also holds the next key, so a kid edit names a key it has (and AAD binding alone refuses it). */
export const RECEIVER_KEYS: KeyEntry[] = [
  { kid: OLD_KID, key: OLD_KEY, status: 'primary' },
  { kid: NEW_KID, key: NEW_KEY, status: 'decrypt-only' },
];

/** The sending bus of a case: `orders`, signing unless `sign` is false, under `SENDER_KEYS`. */
export interface MatrixSender {
  sign?: boolean;
  keys?: KeyEntry[];
  /** Publish as `payments` (declared beside `orders`) instead. */
  asPayments?: boolean;
  /** The sender's clock runs this far from the receiver's (ms). */
  clockOffsetMs?: number;
  total?: number;
  publish?: PublishOptions;
  /** A note long enough to be compressed. */
  longNote?: boolean;
}

/** The receiving bus of a case: `billing`, trusting orders and payments, holding `RECEIVER_KEYS`. */
export interface MatrixReceiver {
  keys?: KeyEntry[];
  trust?: TrustedKeyEntry[];
  receive?: ReceivePolicy;
  /** The policy of the handler under test. */
  authorize?: MessagePolicy<MatrixBody>;
  /** A second handler without a policy, which must still run beside a denied one. */
  bystander?: boolean;
}

export interface MatrixRefusal {
  reason: UndeliverableReason;
  code: string;
  /** The audit event every refusal in the table reports. */
  event: SecurityEventName;
  /** What the event says was proven: true where the signature verified and a later check refused. */
  verified?: boolean;
  /** The refusal is one handler's (a policy), and the dead letter names it. */
  perHandler?: boolean;
}

export interface MatrixCase {
  /** The row of the design note's table (security-multi-transport-schema.md §1.6). */
  row: number;
  name: string;
  /** The class the sender publishes. */
  send: MessageType<MatrixBody>;
  /** The class the receiver subscribes to, when a header edit moves the frame onto another one. */
  receive?: MessageType<MatrixBody>;
  sender?: MatrixSender;
  receiver?: MatrixReceiver;
  edit?: FrameEdit;
  /** How often the (edited) frame is injected: 2 replays it. */
  injections?: number;
  /** Record every command Redis runs during the case (MONITOR) and require the canary in none. */
  monitor?: boolean;
  /** The handler under test runs this often (the bystander, if any, once per injection). */
  handled: number;
  refused?: MatrixRefusal;
  /** What is expected instead on a transport that redelivers (Streams consumer groups), where it differs. */
  whereRedelivered?: Pick<MatrixCase, 'handled' | 'refused'>;
}

const decryptFailed: MatrixRefusal = {
  reason: 'undecodable',
  code: 'SM_DECRYPTION_FAILED',
  event: 'sm_crypt_decrypt_fail',
};
const signatureInvalid: MatrixRefusal = { reason: 'unverified', code: 'SM_SIGNATURE_INVALID', event: 'sm_sig_invalid' };
const entityMismatch: MatrixRefusal = {
  reason: 'unverified',
  code: 'SM_SIGNING_KEY_ENTITY_MISMATCH',
  event: 'sm_sig_key_entity_mismatch',
};
const stale: MatrixRefusal = { reason: 'replayed', code: 'SM_MESSAGE_STALE', event: 'sm_replay_stale', verified: true };
/** Freshness stated, not left to the transport's default, so the boundary cases mean the same on Streams. */
const FIVE_MINUTES: ReceivePolicy = { requireSigned: true, freshnessMs: 300_000 };

const set =
  (attribute: string, value: (current: unknown) => unknown): FrameEdit =>
  ({ attributes }) => {
    attributes[attribute] = value(attributes[attribute]);
  };
const later = (time: unknown): string => new Date(Date.parse(String(time)) + 1000).toISOString();

/** The encrypted payload's key id, renamed in place (same length, so the layout holds). */
const renameKid: FrameEdit = (parts) => {
  const bytes = bytesOf(parts);
  bytes.write(NEW_KID, 2, 'latin1');
};

/** A chain downgrade: the sealed frame rewritten as plain JSON, as if encryption had never run. */
const plaintext: FrameEdit = (parts) => {
  delete parts.attributes.smcontentencoding;
  parts.attributes.smserializer = 'json';
  parts.attributes.datacontenttype = 'application/json';
  parts.data = { kind: 'json', text: JSON.stringify({ id: 'o-1', total: 1, note: 'plain' }) };
};

let bomb: Buffer | undefined;
/** 8 MiB of zeros deflated to about 8 KB (1000:1), twice the receiver's inflation limit. */
const decompressionBomb: FrameEdit = (parts) => {
  bomb ??= deflateSync(Buffer.alloc(8 * 1024 * 1024), { level: 9 });
  parts.data = { kind: 'base64', bytes: Buffer.from(bomb) };
};

/** The header fields both the AAD and the signature bind, as CloudEvents attributes, with the edit of each. */
const BOUND_FIELDS: [string, string, (current: unknown) => unknown][] = [
  ['uuid', 'id', () => randomUUID()],
  ['publishedAt', 'time', later],
  ['publisherPid', 'smpublisherpid', (pid) => Number(pid) + 1],
  ['to (a broadcast addressed)', 'smto', () => 'shipping'],
  ['replyTo', 'smreplyto', () => 'attacker-inbox'],
  ['correlationId', 'smcorrelationid', () => randomUUID()],
  ['causationId', 'smcausationid', () => randomUUID()],
];

const sealedUnsigned: MatrixSender = { sign: false };

export const MATRIX_CASES: MatrixCase[] = [
  {
    row: 0,
    name: 'an untampered signed and encrypted message is handled (the control)',
    send: MatrixSealed,
    handled: 1,
  },

  // 1. A flipped byte in each part of the ciphertext.
  ...(
    [
      ['nonce', (bytes: Buffer) => encryptedLayout(bytes).nonceAt],
      ['ciphertext', (bytes: Buffer) => encryptedLayout(bytes).ciphertextAt + 3],
      ['tag', (bytes: Buffer) => encryptedLayout(bytes).tagAt + 15],
    ] as const
  ).flatMap(([part, at]): MatrixCase[] => [
    {
      row: 1,
      name: `a flipped ${part} byte fails decryption`,
      send: MatrixSealed,
      sender: sealedUnsigned,
      edit: (parts) => flipByte(parts, at),
      handled: 0,
      refused: decryptFailed,
    },
    {
      row: 1,
      name: `a flipped ${part} byte of a signed message fails the signature first`,
      send: MatrixSealed,
      edit: (parts) => flipByte(parts, at),
      handled: 0,
      refused: signatureInvalid,
    },
  ]),
  {
    row: 1,
    name: 'a changed payload byte of a signed plaintext message fails the signature',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: (parts) => {
      if (parts.data.kind === 'json') parts.data.text = parts.data.text.replace('"total":100', '"total":900');
    },
    handled: 0,
    refused: signatureInvalid,
  },

  // 2. Each bound header field changed in turn: on an encrypted message (AAD) and on a signed one.
  ...BOUND_FIELDS.flatMap(([field, attribute, value]): MatrixCase[] => [
    {
      row: 2,
      name: `a changed ${field} fails decryption (AAD)`,
      send: MatrixSealed,
      sender: sealedUnsigned,
      edit: set(attribute, value),
      handled: 0,
      refused: decryptFailed,
    },
    {
      row: 2,
      name: `a changed ${field} fails the signature`,
      send: MatrixSigned,
      receiver: { receive: { requireSigned: true } },
      edit: set(attribute, value),
      handled: 0,
      refused: signatureInvalid,
    },
  ]),
  {
    row: 2,
    name: 'a changed from fails decryption (AAD)',
    send: MatrixSealed,
    sender: sealedUnsigned,
    edit: set('smfrom', () => 'payments'),
    handled: 0,
    refused: decryptFailed,
  },
  {
    row: 2,
    name: 'a changed from is refused: the signing key is not the claimed sender’s',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: set('smfrom', () => 'payments'),
    handled: 0,
    refused: entityMismatch,
  },
  {
    row: 2,
    name: 'a messageClass swap never runs the swapped type’s handler (AAD)',
    send: MatrixSealed,
    receive: MatrixSealedTwin,
    sender: sealedUnsigned,
    edit: set('type', () => 'MatrixSealedTwin'),
    handled: 0,
    refused: decryptFailed,
  },
  {
    row: 2,
    name: 'a messageClass swap never runs the swapped type’s handler (signature)',
    send: MatrixSigned,
    receive: MatrixSignedTwin,
    receiver: { receive: { requireSigned: true } },
    edit: set('type', () => 'MatrixSignedTwin'),
    handled: 0,
    refused: signatureInvalid,
  },
  {
    row: 2,
    name: 'a version raised onto the next version’s handler fails decryption (AAD)',
    send: MatrixSealed,
    receive: MatrixSealedV2,
    sender: sealedUnsigned,
    edit: set('smversion', () => 2),
    handled: 0,
    refused: decryptFailed,
  },
  {
    row: 2,
    name: 'a version raised onto the next version’s handler fails the signature',
    send: MatrixSigned,
    receive: MatrixSignedV2,
    receiver: { receive: { requireSigned: true } },
    edit: set('smversion', () => 2),
    handled: 0,
    refused: signatureInvalid,
  },
  {
    row: 2,
    name: 'a changed chain (to another the class accepts) fails decryption (AAD)',
    send: MatrixSealed,
    sender: sealedUnsigned,
    edit: set('smserializer', () => 'msgpack+a256gcm'),
    handled: 0,
    refused: decryptFailed,
  },
  {
    row: 2,
    name: 'a changed chain (to another the class accepts) fails the signature',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: set('smserializer', () => 'msgpack'),
    handled: 0,
    refused: signatureInvalid,
  },
  {
    row: 2,
    name: 'a changed key id (to another id the receiver holds) fails decryption (AAD)',
    send: MatrixSealed,
    sender: sealedUnsigned,
    // The same bytes under both ids: only the key id's place in the AAD can refuse the edit.
    receiver: {
      keys: [
        { kid: OLD_KID, key: OLD_KEY, status: 'primary' },
        { kid: NEW_KID, key: OLD_KEY, status: 'decrypt-only' },
      ],
    },
    edit: renameKid,
    handled: 0,
    refused: decryptFailed,
  },
  {
    row: 2,
    name: 'a changed sentAt fails the signature',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: set('smsentat', later),
    handled: 0,
    refused: signatureInvalid,
  },

  // 3. A truncated tag.
  {
    row: 3,
    name: 'a tag cut to 4 bytes fails decryption (the last 16 bytes are always the tag)',
    send: MatrixSealed,
    sender: sealedUnsigned,
    edit: (parts) => {
      parts.data = { kind: 'base64', bytes: bytesOf(parts).subarray(0, -12) };
    },
    handled: 0,
    refused: decryptFailed,
  },
  {
    row: 3,
    name: 'a payload too short for a 16-byte tag is refused by the length check',
    send: MatrixSealed,
    sender: sealedUnsigned,
    edit: (parts) => {
      const bytes = bytesOf(parts);
      const { ciphertextAt } = encryptedLayout(bytes);
      parts.data = { kind: 'base64', bytes: Buffer.concat([bytes.subarray(0, ciphertextAt), bytes.subarray(-4)]) };
    },
    handled: 0,
    refused: decryptFailed,
  },

  // 4. A wrong key under the same id.
  {
    row: 4,
    name: 'a receiver key of the same id but other bytes fails decryption',
    send: MatrixSealed,
    sender: sealedUnsigned,
    receiver: { keys: [{ kid: OLD_KID, key: randomBytes(32), status: 'primary' }] },
    handled: 0,
    refused: decryptFailed,
  },

  // 5. An unknown key id.
  {
    row: 5,
    name: 'an encryption key id the receiver does not hold is refused, never tried against other keys',
    send: MatrixSealed,
    sender: { sign: false, keys: [{ kid: 'k-2026-10', key: randomBytes(32), status: 'primary' }] },
    handled: 0,
    refused: { reason: 'undecodable', code: 'SM_KEY_NOT_FOUND', event: 'sm_crypt_key_not_found' },
  },
  {
    row: 5,
    name: 'a signing key the trust store does not hold is refused',
    send: MatrixSigned,
    receiver: { trust: [PAYMENTS.trusted], receive: { requireSigned: true } },
    handled: 0,
    refused: { reason: 'unverified', code: 'SM_SIGNING_KEY_UNKNOWN', event: 'sm_sig_unknown_key' },
  },
  {
    row: 5,
    name: 'a signature block renamed to an unknown key id is refused',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: set('smsignature', (block) => String(block).replace(';orders-1;', ';orders-9;')),
    handled: 0,
    refused: { reason: 'unverified', code: 'SM_SIGNING_KEY_UNKNOWN', event: 'sm_sig_unknown_key' },
  },

  // 6. A valid signature by another entity's key.
  {
    row: 6,
    name: 'a valid signature by payments’ key on a message claiming from: orders',
    send: MatrixSigned,
    sender: { asPayments: true },
    receiver: { receive: { requireSigned: true } },
    edit: set('smfrom', () => 'orders'),
    handled: 0,
    refused: entityMismatch,
  },

  // 7. A replay inside the window.
  {
    row: 7,
    name: 'a captured signed frame injected twice is handled once',
    send: MatrixSigned,
    receiver: { receive: FIVE_MINUTES },
    injections: 2,
    handled: 1,
    refused: {
      reason: 'replayed',
      code: 'SM_MESSAGE_REPLAYED',
      event: 'sm_replay_detected',
      verified: true,
      perHandler: true,
    },
  },

  // 8. Stale and future send times at the window's edges (±5 s margins, so no case depends on speed).
  ...(
    [
      ['295 s in the past', -295_000, false],
      ['305 s in the past', -305_000, true],
      ['295 s in the future', 295_000, false],
      ['305 s in the future', 305_000, true],
    ] as const
  ).map(([when, clockOffsetMs, refused]): MatrixCase => ({
    row: 8,
    name: `a message signed ${when} is ${refused ? 'refused as stale' : 'accepted'}`,
    send: MatrixSigned,
    sender: { clockOffsetMs },
    receiver: { receive: FIVE_MINUTES },
    handled: refused ? 0 : 1,
    refused: refused ? { ...stale, perHandler: true } : undefined,
  })),

  {
    row: 8,
    name: 'under the default window, 305 s old is stale where delivery is at most once, accepted by a consumer group',
    send: MatrixSigned,
    sender: { clockOffsetMs: -305_000 },
    receiver: { receive: { requireSigned: true } },
    handled: 0,
    refused: { ...stale, perHandler: true },
    // Consumer groups hand old entries out again (XCLAIM, restarts): the processed set guards them instead.
    whereRedelivered: { handled: 1 },
  },

  // 9. Unsigned downgrades.
  {
    row: 9,
    name: 'a signed frame with its signature stripped is refused where signing is required',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: ({ attributes }) => {
      delete attributes.smsignature;
      delete attributes.smsentat;
    },
    handled: 0,
    refused: { reason: 'policy-violation', code: 'SM_SIGNATURE_MISSING', event: 'sm_sig_missing', perHandler: true },
  },
  {
    row: 9,
    name: 'an unsigned message is refused where signing is required',
    send: MatrixSigned,
    sender: { sign: false },
    receiver: { receive: { requireSigned: true } },
    handled: 0,
    refused: { reason: 'policy-violation', code: 'SM_SIGNATURE_MISSING', event: 'sm_sig_missing', perHandler: true },
  },

  // 10. Plaintext downgrades.
  {
    row: 10,
    name: 'a plaintext message is refused where encryption is required, before decoding',
    send: MatrixSigned,
    receiver: { receive: { requireEncrypted: true } },
    handled: 0,
    refused: {
      reason: 'policy-violation',
      code: 'SM_ENCRYPTION_REQUIRED',
      event: 'sm_policy_violation',
      verified: true,
      perHandler: true,
    },
  },
  {
    row: 10,
    name: 'an encrypted frame rewritten as plain json is refused where encryption is required',
    send: MatrixSealed,
    sender: sealedUnsigned,
    receiver: { receive: { requireEncrypted: true } },
    edit: plaintext,
    handled: 0,
    refused: {
      reason: 'policy-violation',
      code: 'SM_ENCRYPTION_REQUIRED',
      event: 'sm_policy_violation',
      perHandler: true,
    },
  },

  // 11. Algorithm and chain downgrades, retired keys.
  {
    row: 11,
    name: 'a signature block claiming hs256 over an Ed25519 key is refused (algorithm from the store)',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true } },
    edit: set('smsignature', (block) => {
      const [version, , kid, signature] = String(block).split(';');
      return `${version};hs256;${kid};${signature!.slice(0, 43)}`;
    }),
    handled: 0,
    refused: signatureInvalid,
  },
  {
    row: 11,
    name: 'an algorithm the receiver does not allow is refused',
    send: MatrixSigned,
    receiver: { receive: { requireSigned: true, allowedAlgorithms: ['hs256'] } },
    handled: 0,
    refused: { ...signatureInvalid, verified: true, perHandler: true },
  },
  {
    row: 11,
    name: 'a chain without a256gcm on an encrypted class is refused by the class’s allow-list',
    send: MatrixSealed,
    sender: sealedUnsigned,
    edit: plaintext,
    handled: 0,
    refused: { reason: 'undecodable', code: 'SM_SERIALIZER_NOT_ALLOWED', event: 'sm_policy_violation' },
  },
  {
    row: 11,
    name: 'a retired signing key is refused and audited',
    send: MatrixSigned,
    receiver: { trust: [{ ...ORDERS.trusted, status: 'retired' }], receive: { requireSigned: true } },
    handled: 0,
    refused: { reason: 'unverified', code: 'SM_SIGNING_KEY_RETIRED', event: 'sm_key_retired_used' },
  },

  {
    row: 11,
    name: 'a signing key past its notAfter is refused as retired',
    send: MatrixSigned,
    receiver: {
      trust: [{ ...ORDERS.trusted, notAfter: new Date(Date.now() - 3_600_000).toISOString() }],
      receive: { requireSigned: true },
    },
    handled: 0,
    refused: { reason: 'unverified', code: 'SM_SIGNING_KEY_RETIRED', event: 'sm_key_retired_used' },
  },

  // 12. Rotation with messages in flight.
  {
    row: 12,
    name: 'in flight under the old primary, read after the rotation by the key demoted to decrypt-only',
    send: MatrixSealed,
    receiver: {
      keys: [
        { kid: NEW_KID, key: NEW_KEY, status: 'primary' },
        { kid: OLD_KID, key: OLD_KEY, status: 'decrypt-only' },
      ],
    },
    handled: 1,
  },
  {
    row: 12,
    name: 'in flight under the old key once it is retired: refused and audited',
    send: MatrixSealed,
    receiver: {
      keys: [
        { kid: NEW_KID, key: NEW_KEY, status: 'primary' },
        { kid: OLD_KID, key: OLD_KEY, status: 'retired' },
      ],
    },
    handled: 0,
    refused: { reason: 'undecodable', code: 'SM_KEY_RETIRED', event: 'sm_key_retired_used', verified: true },
  },

  // 13. The wire canary: every case checks it for encrypted classes; this one names it.
  {
    row: 13,
    name: 'the canary of a delivered encrypted message never appears on the wire or at rest',
    send: MatrixSealed,
    monitor: true,
    handled: 1,
  },
  {
    row: 13,
    name: 'the canary of a refused encrypted message never appears, its dead letter included',
    send: MatrixSealed,
    sender: sealedUnsigned,
    monitor: true,
    edit: (parts) => flipByte(parts, (bytes) => encryptedLayout(bytes).tagAt),
    handled: 0,
    refused: decryptFailed,
  },

  // 14. A decompression bomb.
  {
    row: 14,
    name: 'a 1000:1 deflate bomb is refused at the inflation limit, not expanded',
    send: MatrixCompressed,
    sender: { sign: false, longNote: true },
    edit: decompressionBomb,
    handled: 0,
    refused: { reason: 'undecodable', code: 'SM_DECOMPRESSION_LIMIT', event: 'sm_decompression_limit' },
  },

  // 15. Authorization.
  {
    row: 15,
    name: 'a deny on payload.total > 10000 skips that handler only',
    send: MatrixPayment,
    sender: { sign: false, total: 20_000 },
    receiver: {
      authorize: ({ payload }) => (payload.total > 10_000 ? { allow: false, reason: 'total above 10000' } : true),
      bystander: true,
    },
    handled: 0,
    refused: { reason: 'unauthorized', code: 'SM_UNAUTHORIZED', event: 'sm_authz_fail', perHandler: true },
  },
  {
    row: 15,
    name: 'a deny on an unverified from (allowVerifiedFrom) skips that handler only',
    send: MatrixPayment,
    sender: { sign: false },
    receiver: { authorize: allowVerifiedFrom('orders'), bystander: true },
    handled: 0,
    refused: { reason: 'unauthorized', code: 'SM_UNAUTHORIZED', event: 'sm_authz_fail', perHandler: true },
  },
  {
    row: 15,
    name: 'the same from, signed, is allowed (the control)',
    send: MatrixPayment,
    receiver: { authorize: allowVerifiedFrom('orders'), bystander: true },
    handled: 1,
  },
];
