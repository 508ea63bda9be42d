import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  Envelope,
  FrameDecodeError,
  Message,
  MessageBus,
  MessageHeader,
  MessageValidationError,
} from '@smart-message/nestjs';
import { CloudEventsFrameCodec, HEADER_LIMITS } from '@smart-message/nestjs/transport-kit';

const HEADER: MessageHeader = {
  uuid: '5a1f0d8e-9c2b-4f6a-8e3d-1b2c3d4e5f60',
  messageClass: 'Ping',
  version: 1,
  publishedAt: '2025-09-11T19:30:00.000Z',
  publisherPid: 1,
  from: 'pinger',
  serializer: 'json',
};

const long = (length: number): string => 'x'.repeat(length);

/** Wire attributes set to a value no frame may carry, and why. */
const HOSTILE_ATTRIBUTES: [string, string, unknown][] = [
  ['a from above the address limit', 'smfrom', long(HEADER_LIMITS.address + 1)],
  ['an empty from', 'smfrom', ''],
  ['a from with a lone surrogate', 'smfrom', 'bad\uD800'],
  ['a to above the address limit', 'smto', long(HEADER_LIMITS.address + 1)],
  ['an empty to (not a broadcast)', 'smto', ''],
  ['a numeric to', 'smto', 42],
  ['a null to', 'smto', null],
  ['an object to', 'smto', { all: true }],
  ['a replyTo above the limit', 'smreplyto', long(HEADER_LIMITS.address + 1)],
  ['a numeric replyTo', 'smreplyto', 7],
  ['an id above the limit', 'id', long(HEADER_LIMITS.id + 1)],
  ['an empty id', 'id', ''],
  ['a correlation id above the limit', 'smcorrelationid', long(HEADER_LIMITS.id + 1)],
  ['a boolean causation id', 'smcausationid', true],
  ['a class name above the limit', 'type', long(HEADER_LIMITS.messageClass + 1)],
  ['a serializer name above the limit', 'smserializer', long(HEADER_LIMITS.serializer + 1)],
  ['a traceparent above the limit', 'traceparent', long(HEADER_LIMITS.traceparent + 1)],
  ['a tracestate above the limit', 'tracestate', long(HEADER_LIMITS.tracestate + 1)],
  ['a time that is no timestamp', 'time', 'yesterday'],
  ['a numeric time', 'time', 1757619000000],
  ['a version of 0', 'smversion', 0],
  ['a textual publisher pid', 'smpublisherpid', 'root'],
];

describe('header limits on the wire', () => {
  const codec = new CloudEventsFrameCodec();
  const frameWith = (attribute: string, value: unknown): Record<string, unknown> => ({
    ...(JSON.parse(codec.encode({ header: HEADER, payload: '{"n":1}' })) as Record<string, unknown>),
    [attribute]: value,
  });

  describe.each([
    // The codec's own layout (fast path) and another producer's member order (full parse).
    ['in the codec’s own layout', (frame: Record<string, unknown>): string => JSON.stringify(frame)],
    [
      'in another producer’s layout',
      (frame: Record<string, unknown>): string => {
        const { data, ...attributes } = frame;
        return JSON.stringify({ data, ...attributes });
      },
    ],
  ])('%s', (_layout, write) => {
    it.each(HOSTILE_ATTRIBUTES)('refuses %s with FrameDecodeError naming it', (_case, attribute, value) => {
      const frame = write(frameWith(attribute, value));
      expect(() => codec.decode(frame)).toThrow(FrameDecodeError);
      expect(() => codec.decode(frame)).toThrow(new RegExp(attribute));
    });

    it('still reads fields at their limits', () => {
      const frame = write({
        ...frameWith('smfrom', long(HEADER_LIMITS.address)),
        smto: long(HEADER_LIMITS.address),
        smcorrelationid: long(HEADER_LIMITS.id),
      });
      expect(codec.decode(frame).header).toMatchObject({
        from: long(HEADER_LIMITS.address),
        to: long(HEADER_LIMITS.address),
        correlationId: long(HEADER_LIMITS.id),
      });
    });
  });

  it('writes a frame for a sender name with a lone surrogate instead of throwing a URIError', () => {
    const envelope: Envelope = { header: { ...HEADER, from: 'odd\uDC00name' }, payload: '{}' };
    expect(() => codec.encode(envelope)).not.toThrow();
  });
});

@Message({ name: 'HeaderLimitPing', from: 'pinger' })
class HeaderLimitPing {
  @IsString() text = 'hi';
}

describe('header limits on publish', () => {
  const bus = new MessageBus({ entity: 'pinger' });
  afterAll(() => bus.shutdown(100));

  it.each([
    ['a from above the address limit', { from: long(HEADER_LIMITS.address + 1) }, 'from'],
    ['a from with a lone surrogate', { from: 'bad\uD800' }, 'from'],
    ['a to above the address limit', { to: long(HEADER_LIMITS.address + 1) }, 'to'],
    ['a replyTo with a lone surrogate', { replyTo: 'bad\uDFFF' }, 'replyTo'],
    ['a correlation id above the id limit', { correlationId: long(HEADER_LIMITS.id + 1) }, 'correlationId'],
  ])('refuses %s with MessageValidationError, sending nothing', async (_case, options, property) => {
    const published = bus.publish(new HeaderLimitPing(), options);
    await expect(published).rejects.toBeInstanceOf(MessageValidationError);
    await expect(published).rejects.toMatchObject({ violations: [expect.objectContaining({ property })] });
  });
});

// Publish and receive read their limits from one table, and each checks a header in one pass:
// these pin what each says, field by field and in order, so neither can drift from the other.
describe('header rules, as publish and receive state them', () => {
  it('lists every wrong attribute of a frame, in the documented member order', () => {
    const codec = new CloudEventsFrameCodec();
    const frame = JSON.stringify({
      specversion: '0.3',
      id: '',
      type: long(HEADER_LIMITS.messageClass + 1),
      time: 'yesterday',
      smversion: 0,
      smfrom: 'bad\uD800',
      smto: 42,
      smreplyto: '',
      smpublisherpid: -1,
      smcorrelationid: long(HEADER_LIMITS.id + 1),
      smcausationid: true,
      traceparent: null,
      tracestate: long(HEADER_LIMITS.tracestate + 1),
      data: {},
    });
    expect(() => codec.decode(frame)).toThrow(
      new FrameDecodeError(
        'frame has invalid attributes: specversion is not "1.0"; id is empty; ' +
          `type is ${HEADER_LIMITS.messageClass + 1} characters long, above the limit of ${HEADER_LIMITS.messageClass}; ` +
          'time is not a valid RFC 3339 timestamp; smfrom holds a lone UTF-16 surrogate; smserializer is missing; ' +
          'smto is number, not a string; smreplyto is empty; ' +
          `smcorrelationid is ${HEADER_LIMITS.id + 1} characters long, above the limit of ${HEADER_LIMITS.id}; ` +
          'smcausationid is boolean, not a string; traceparent is null, not a string; ' +
          `tracestate is ${HEADER_LIMITS.tracestate + 1} characters long, above the limit of ${HEADER_LIMITS.tracestate}; ` +
          'smversion is not a positive integer; smpublisherpid is not a non-negative integer',
      ),
    );
  });

  it('lists every wrong field a publisher set, in header order, with the rule each broke', async () => {
    const bus = new MessageBus({ entity: 'pinger' });
    try {
      const published = bus.publish(new HeaderLimitPing(), {
        from: 'bad\uD800',
        to: '',
        replyTo: long(HEADER_LIMITS.address + 1),
        correlationId: long(HEADER_LIMITS.id + 1),
      });
      await expect(published).rejects.toMatchObject({
        violations: [
          { property: 'from', source: 'header', constraints: { headerLimit: 'from holds a lone UTF-16 surrogate' } },
          { property: 'to', source: 'header', constraints: { isNotEmpty: 'to must be a non-empty string when given' } },
          {
            property: 'replyTo',
            source: 'header',
            constraints: {
              headerLimit: `replyTo is ${HEADER_LIMITS.address + 1} characters long, above the limit of ${HEADER_LIMITS.address}`,
            },
          },
          {
            property: 'correlationId',
            source: 'header',
            constraints: {
              headerLimit: `correlationId is ${HEADER_LIMITS.id + 1} characters long, above the limit of ${HEADER_LIMITS.id}`,
            },
          },
        ],
      });
    } finally {
      await bus.shutdown(100);
    }
  });

  it('names the missing sender when neither the class, the options nor the entity do', async () => {
    @Message({ name: 'HeaderLimitAnonymous' })
    class HeaderLimitAnonymous {
      @IsString() text = 'hi';
    }
    const bus = new MessageBus();
    try {
      await expect(bus.publish(new HeaderLimitAnonymous())).rejects.toMatchObject({
        violations: [
          {
            property: 'from',
            constraints: {
              isNotEmpty:
                'from is required: set it on the message class, in the publish options, or as the module entity',
            },
          },
        ],
      });
    } finally {
      await bus.shutdown(100);
    }
  });
});
