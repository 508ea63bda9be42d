import { Envelope, JSON_SERIALIZER_NAME, JsonSerializer, MessageHeader } from '@smart-message/nestjs';
import { randomUUID } from 'node:crypto';

const json = new JsonSerializer();

/** Marks the envelopes the suite publishes only to learn that everything before them has arrived. */
const FLUSH_SENDER = 'conformance-flush';

/**
 * Text that a transport could damage on the way: non-ASCII letters, a character outside the
 * basic plane, quotes, a backslash and a line break inside the JSON string.
 */
const AWKWARD_TEXT = 'Grüße, 世界 ☕ 🚚 "quoted" back\\slash\nnext line';

export interface ConformancePayload {
  sequence: number;
  text: string;
}

/** Every header field set, a JSON text payload: what a typical point-to-point message looks like. */
export function textEnvelope(messageClass: string, sequence: number): Envelope {
  return { header: fullHeader(messageClass), payload: json.encode(payloadFor(sequence)) };
}

/** Only the required header fields: a broadcast with no conversation, whose absent fields must stay absent. */
export function minimalEnvelope(messageClass: string, sequence: number): Envelope {
  const header: MessageHeader = {
    uuid: randomUUID(),
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: process.pid,
    from: 'conformance-publisher',
    serializer: JSON_SERIALIZER_NAME,
  };
  return { header, payload: json.encode(payloadFor(sequence)) };
}

/** The same JSON as UTF-8 bytes, as binary serializers hand transports their payloads. */
export function binaryEnvelope(messageClass: string, sequence: number): Envelope {
  return {
    header: fullHeader(messageClass),
    payload: new Uint8Array(Buffer.from(json.encode(payloadFor(sequence)), 'utf8')),
  };
}

export function flushEnvelope(messageClass: string): Envelope {
  const { header, payload } = minimalEnvelope(messageClass, -1);
  return { header: { ...header, from: FLUSH_SENDER }, payload };
}

export function isFlushEnvelope(envelope: Envelope): boolean {
  return envelope.header.from === FLUSH_SENDER;
}

/** Reads the sequence number back out of a received payload, text or bytes. */
export function sequenceOf(envelope: Envelope): number {
  const decoded = json.decode(envelope.payload) as Partial<ConformancePayload> | null;
  if (typeof decoded?.sequence !== 'number') throw new Error(`payload of ${envelope.header.uuid} has no sequence`);
  return decoded.sequence;
}

function fullHeader(messageClass: string): MessageHeader {
  return {
    uuid: randomUUID(),
    messageClass,
    // Not 1, so a transport that drops the version and lets a reader default it is caught.
    version: 3,
    publishedAt: new Date().toISOString(),
    publisherPid: process.pid,
    from: 'conformance-publisher',
    to: 'conformance-receiver',
    replyTo: 'conformance-replies',
    serializer: JSON_SERIALIZER_NAME,
    correlationId: randomUUID(),
    causationId: randomUUID(),
  };
}

function payloadFor(sequence: number): ConformancePayload {
  return { sequence, text: AWKWARD_TEXT };
}

/** `count` text envelopes numbered 0 to count - 1. */
export function textEnvelopes(messageClass: string, count: number): Envelope[] {
  return Array.from({ length: count }, (_, sequence) => textEnvelope(messageClass, sequence));
}

/** The sequence numbers `textEnvelopes(…, count)` carries, for comparing with what arrived. */
export function sequencesUpTo(count: number): number[] {
  return Array.from({ length: count }, (_, sequence) => sequence);
}
