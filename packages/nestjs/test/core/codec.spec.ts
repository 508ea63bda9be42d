import { Envelope, FrameDecodeError, JsonSerializer, MessageHeader, PayloadDecodeError } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';

const FULL_HEADER: MessageHeader = {
  uuid: '0b5c6f1e-4c0e-4f7c-9a43-2f3f5c1d9e21',
  messageClass: 'OrderPlaced',
  version: 2,
  publishedAt: '2025-09-11T19:30:00.123Z',
  publisherPid: 48213,
  from: 'order service',
  to: 'fulfillment-service',
  replyTo: 'order-replies',
  serializer: 'json',
  correlationId: 'checkout-42',
  causationId: '7d1e4bb2-1a0f-4d43-8d4e-0c0f1e9b2a11',
};

const MINIMAL_HEADER: MessageHeader = {
  uuid: '5a1f0d8e-9c2b-4f6a-8e3d-1b2c3d4e5f60',
  messageClass: 'Ping',
  version: 1,
  publishedAt: '2025-09-11T19:30:00.000Z',
  publisherPid: 1,
  from: 'pinger',
  serializer: 'json',
};

const PAYLOAD = { orderId: 'ORD-123', amount: 99.99, items: ['Widget A'], note: null, nested: { ok: true } };

const envelope = (header: MessageHeader, payload: Envelope['payload'] = JSON.stringify(PAYLOAD)): Envelope => ({
  header,
  payload,
});

/** A frame as another CloudEvents producer might lay it out, with members in its own order. */
const foreignFrame = (members: Record<string, unknown>): string => JSON.stringify(members);

describe('CloudEventsFrameCodec', () => {
  const codec = new CloudEventsFrameCodec();

  describe('round trip', () => {
    it.each([
      ['every header field', FULL_HEADER],
      ['only the required header fields', MINIMAL_HEADER],
    ])('preserves %s and the payload', (_case, header) => {
      const original = envelope(header);

      const decoded = codec.decode(codec.encode(original));

      expect(decoded.header).toStrictEqual(header);
      expect(JSON.parse(decoded.payload as string)).toEqual(PAYLOAD);
    });

    it('decodes a frame given as bytes', () => {
      const frame = new TextEncoder().encode(codec.encode(envelope(FULL_HEADER)));

      const decoded = codec.decode(frame);

      expect(decoded.header).toStrictEqual(FULL_HEADER);
      expect(JSON.parse(decoded.payload as string)).toEqual(PAYLOAD);
    });

    it('preserves a payload that contains the text of a data member', () => {
      const tricky = JSON.stringify({ text: '","data":{"x":1},"smto":"evil"', list: [{ a: '}' }] });

      const decoded = codec.decode(codec.encode(envelope(MINIMAL_HEADER, tricky)));

      expect(decoded.header).toStrictEqual(MINIMAL_HEADER);
      expect(JSON.parse(decoded.payload as string)).toEqual(JSON.parse(tricky));
    });
  });

  describe('frame layout', () => {
    it('is a CloudEvents 1.0 structured-mode event with the header as extension attributes', () => {
      const frame = JSON.parse(codec.encode(envelope(FULL_HEADER))) as Record<string, unknown>;

      expect(frame).toEqual({
        specversion: '1.0',
        id: FULL_HEADER.uuid,
        source: '/order%20service',
        type: 'OrderPlaced',
        time: FULL_HEADER.publishedAt,
        datacontenttype: 'application/json',
        data: PAYLOAD,
        smversion: 2,
        smfrom: 'order service',
        smto: 'fulfillment-service',
        smreplyto: 'order-replies',
        smpublisherpid: 48213,
        smserializer: 'json',
        smcorrelationid: 'checkout-42',
        smcausationid: FULL_HEADER.causationId,
        smdatalength: JSON.stringify(PAYLOAD).length,
      });
    });

    it('names every attribute as CloudEvents requires (lower-case letters and digits)', () => {
      const frame = JSON.parse(codec.encode(envelope(FULL_HEADER))) as Record<string, unknown>;

      const attributes = Object.keys(frame).filter((key) => key !== 'data');
      expect(attributes.filter((key) => !/^[a-z0-9]{1,20}$/.test(key))).toEqual([]);
    });

    it('writes its members in the documented order', () => {
      const traced: MessageHeader = {
        ...FULL_HEADER,
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
      };

      const frame = JSON.parse(codec.encode(envelope(traced))) as Record<string, unknown>;

      expect(Object.keys(frame)).toEqual([
        'specversion',
        'id',
        'source',
        'type',
        'time',
        'datacontenttype',
        'smversion',
        'smfrom',
        'smto',
        'smreplyto',
        'smpublisherpid',
        'smserializer',
        'smcorrelationid',
        'smcausationid',
        'traceparent',
        'tracestate',
        'smdatalength',
        'data',
      ]);
    });

    it('gives each sender its own source, and a sender name with a lone surrogate throws no URIError', () => {
      const odd = JSON.parse(codec.encode(envelope({ ...MINIMAL_HEADER, from: 'bad\uD800' }))) as { source: string };
      expect(odd.source).toBe('/bad%EF%BF%BD');
      const frame = JSON.parse(codec.encode(envelope({ ...MINIMAL_HEADER, from: 'order service' }))) as {
        source: string;
      };
      expect(frame.source).toBe('/order%20service');
    });

    it('leaves absent optional header fields out of the frame', () => {
      const frame = JSON.parse(codec.encode(envelope(MINIMAL_HEADER))) as Record<string, unknown>;

      for (const attribute of ['smto', 'smreplyto', 'smcorrelationid', 'smcausationid']) {
        expect(frame).not.toHaveProperty(attribute);
      }
    });

    it('carries a binary payload as data_base64 and restores the bytes', () => {
      const binaryCodec = new CloudEventsFrameCodec((serializer) =>
        serializer === 'msgpack' ? 'application/msgpack' : 'application/json',
      );
      const bytes = new Uint8Array([0x00, 0x01, 0x02, 0xff, 0x7b]);
      const header = { ...MINIMAL_HEADER, serializer: 'msgpack' };

      const text = binaryCodec.encode(envelope(header, bytes));
      const frame = JSON.parse(text) as Record<string, unknown>;
      const decoded = binaryCodec.decode(text);

      expect(frame).toMatchObject({ datacontenttype: 'application/msgpack', data_base64: 'AAEC/3s=' });
      expect(frame).not.toHaveProperty('data');
      expect(decoded.header).toStrictEqual(header);
      expect([...(decoded.payload as Uint8Array)]).toEqual([...bytes]);
    });
  });

  describe('frames written by other producers', () => {
    const members = {
      specversion: '1.0',
      id: MINIMAL_HEADER.uuid,
      source: '/pinger',
      type: 'Ping',
      time: MINIMAL_HEADER.publishedAt,
      datacontenttype: 'application/json',
      smversion: 1,
      smfrom: 'pinger',
      smto: 'ponger',
      smpublisherpid: 1,
      smserializer: 'json',
    };

    it('decodes a frame whose data comes first', () => {
      const decoded = codec.decode(foreignFrame({ data: PAYLOAD, ...members }));

      expect(decoded.header).toStrictEqual({ ...MINIMAL_HEADER, to: 'ponger' });
      expect(JSON.parse(decoded.payload as string)).toEqual(PAYLOAD);
    });

    it('decodes a frame that starts like ours but has members after data', () => {
      const { specversion, id, source, type, time, datacontenttype, ...extensions } = members;
      const frame = foreignFrame({
        specversion,
        id,
        source,
        type,
        time,
        datacontenttype,
        data: PAYLOAD,
        ...extensions,
      });

      const decoded = codec.decode(frame);

      expect(decoded.header).toStrictEqual({ ...MINIMAL_HEADER, to: 'ponger' });
      expect(JSON.parse(decoded.payload as string)).toEqual(PAYLOAD);
    });

    it('decodes a frame with only optional members after data', () => {
      const { smto, ...required } = members;
      const frame = foreignFrame({ ...required, data: PAYLOAD, smto });

      const decoded = codec.decode(frame);

      expect(decoded.header).toStrictEqual({ ...MINIMAL_HEADER, to: 'ponger' });
      expect(JSON.parse(decoded.payload as string)).toEqual(PAYLOAD);
    });
  });

  describe('what is not a frame', () => {
    const valid = codec.encode(envelope(MINIMAL_HEADER, '{"note":"AB"}'));
    const validBytes = new TextEncoder().encode(valid);
    // Inside a string value, where a lenient decoder's U+FFFD would still leave a well-formed frame.
    const at = valid.indexOf('AB') + 1;
    const withInvalidUtf8 = new Uint8Array([...validBytes.slice(0, at), 0xc3, 0x28, ...validBytes.slice(at)]);

    it.each<[string, string | Uint8Array]>([
      ['garbage bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x9f])],
      ['a frame with an invalid UTF-8 sequence', withInvalidUtf8],
      ['text that is not JSON', 'hello, world'],
      ['a truncated frame', valid.slice(0, -5)],
      ['JSON that is not an object', '[1,2,3]'],
      ['JSON null', 'null'],
      ['JSON without the required attributes', '{"specversion":"1.0","id":"x","data":{}}'],
      ['a frame of another CloudEvents version', valid.replace('"specversion":"1.0"', '"specversion":"0.3"')],
      ['a frame without data', foreignFrame({ ...JSON.parse(valid), data: undefined })],
    ])('rejects %s with FrameDecodeError', (_case, frame) => {
      expect(() => codec.decode(frame)).toThrow(FrameDecodeError);
      expect(() => codec.decode(frame)).toThrow(expect.objectContaining({ code: 'SM_FRAME_DECODE' }));
    });

    it('names the missing attributes', () => {
      expect(() => codec.decode('{"specversion":"1.0","id":"x","data":{}}')).toThrow(/type.*time.*smfrom/);
    });
  });
});

describe('JsonSerializer', () => {
  const serializer = new JsonSerializer();

  it('round-trips a payload, dates as ISO text', () => {
    const at = new Date('2025-09-11T19:30:00.123Z');

    expect(serializer.decode(serializer.encode({ orderId: 'A-1', at }))).toEqual({
      orderId: 'A-1',
      at: '2025-09-11T19:30:00.123Z',
    });
  });

  it('decodes UTF-8 bytes', () => {
    expect(serializer.decode(new TextEncoder().encode('{"city":"Zürich"}'))).toEqual({ city: 'Zürich' });
  });

  it.each<[string, string | Uint8Array]>([
    ['garbage text', '}{ not json'],
    ['an empty payload', ''],
    // A JSON string, were the invalid sequence replaced by U+FFFD instead of refused.
    ['invalid UTF-8 bytes', new Uint8Array([0x22, 0x41, 0xc3, 0x28, 0x42, 0x22])],
  ])('rejects %s with PayloadDecodeError', (_case, payload) => {
    expect(() => serializer.decode(payload)).toThrow(PayloadDecodeError);
    expect(() => serializer.decode(payload)).toThrow(expect.objectContaining({ code: 'SM_PAYLOAD_DECODE' }));
  });
});
