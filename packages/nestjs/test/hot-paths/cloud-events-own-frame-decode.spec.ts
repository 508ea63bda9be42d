import { Envelope, FrameDecodeError, JsonSerializer, MessageHeader } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';

/**
 * Shortcut: a frame this codec wrote (its prefix, `data` last, `smdatalength` matching) has its
 * small attribute part parsed and its JSON payload sliced out as text, unparsed
 * (codec/cloud-events-frame.codec.ts). Its twin is the same frame read by the general path,
 * forced by input: one leading space, which JSON allows and the prefix check does not.
 */

const codec = new CloudEventsFrameCodec();
const json = new JsonSerializer();

const header = (extra: Partial<MessageHeader> = {}): MessageHeader => ({
  uuid: '0b6f5c1e-2d4a-4c8e-9a7b-3f1d2e5c6a70',
  messageClass: 'OrderPlaced',
  version: 2,
  publishedAt: '2026-11-27T10:00:00.123Z',
  publisherPid: 4242,
  from: 'orders',
  serializer: 'json',
  ...extra,
});

/** How a decode ended, with the payload as the receiver's serializer reads it. */
function read(frame: string | Uint8Array): unknown {
  try {
    const envelope = codec.decode(frame);
    return { header: envelope.header, data: json.decode(envelope.payload) };
  } catch (error) {
    // JSON.parse names the position of a syntax error, which the leading space of the twin moves by one.
    const message = (error as Error).message.replace(/position \d+/, 'position …');
    return { error: (error as Error).name, code: (error as FrameDecodeError).code, message };
  }
}

const slowPath = (frame: string): string => ` ${frame}`;

const envelopes: [string, Envelope][] = [
  ['a plain message', { header: header(), payload: '{"orderId":"o-1","total":12.5}' }],
  [
    'every optional header field',
    {
      header: header({
        to: 'billing',
        replyTo: 'orders-replies',
        correlationId: 'c-1',
        causationId: 'c-0',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
      }),
      payload: '{"orderId":"o-2"}',
    },
  ],
  [
    'a payload with whitespace and escapes',
    { header: header(), payload: '{ "note": "a \\"quoted\\" ,\\"data\\": text" , "n": [1, 2] }' },
  ],
  ['a payload holding the data key itself', { header: header(), payload: '{"x":",\\"data\\":","data":{"data":1}}' }],
  [
    'a non-ASCII payload and sender',
    { header: header({ from: 'Zürich-øst' }), payload: '{"city":"Zürich","emoji":"🚚"}' },
  ],
  ['an empty object', { header: header(), payload: '{}' }],
];

describe('hot path: reading a frame this codec wrote', () => {
  it.each(envelopes)('reads %s as the general path does', (_label, envelope) => {
    const frame = codec.encode(envelope);
    expect(read(frame)).toEqual(read(slowPath(frame)));
    expect(read(Buffer.from(frame, 'utf8'))).toEqual(read(slowPath(frame)));
    // The shortcut hands the payload on exactly as written; the general path writes it anew.
    expect(codec.decode(frame).payload).toBe(envelope.payload);
  });

  const tampered: [string, (frame: string) => string][] = [
    ['a data length that lies', (frame) => frame.replace(/"smdatalength":\d+/, '"smdatalength":3')],
    ['a member after data', (frame) => `${frame.slice(0, -1)},"extra":1}`],
    ['a missing closing brace', (frame) => frame.slice(0, -1)],
    ['an invalid version', (frame) => frame.replace('"smversion":2', '"smversion":0')],
    ['an invalid time', (frame) => frame.replace('2026-11-27T10:00:00.123Z', 'yesterday')],
    ['a missing type', (frame) => frame.replace('"type":"OrderPlaced",', '')],
    [
      'a binary content type',
      (frame) => frame.replace('"datacontenttype":"application/json"', '"datacontenttype":"application/octet-stream"'),
    ],
    ['a wrong spec version', (frame) => frame.replace('"specversion":"1.0"', '"specversion":"0.3"')],
  ];

  it.each(tampered)('reads a frame with %s as the general path does', (_label, tamper) => {
    const frame = tamper(codec.encode(envelopes[0]![1]));
    expect(read(frame)).toEqual(read(slowPath(frame)));
  });

  it('refuses a payload that is not JSON as the general path does, only later: when the payload is read', () => {
    // Known and kept: the shortcut does not parse the payload, so the serializer refuses it
    // (SM_PAYLOAD_DECODE, the header is kept for the dead letter) where the general path
    // refuses the whole frame (SM_FRAME_DECODE). Both end as an "undecodable" dead letter.
    const frame = codec
      .encode(envelopes[0]![1])
      .replace('{"orderId":"o-1","total":12.5}', '{"orderId":')
      .replace(/"smdatalength":\d+/, '"smdatalength":11');
    expect(read(frame)).toEqual(expect.objectContaining({ code: 'SM_PAYLOAD_DECODE' }));
    expect(read(slowPath(frame))).toEqual(expect.objectContaining({ code: 'SM_FRAME_DECODE' }));
  });
});
