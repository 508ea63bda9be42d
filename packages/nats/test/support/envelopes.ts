import { randomUUID } from 'node:crypto';
import { Envelope, JSON_SERIALIZER_NAME } from '@smart-message/nestjs';

/** A minimal envelope of `messageClass` whose JSON payload carries `sequence`. */
export function envelopeOf(messageClass: string, sequence: number): Envelope {
  return {
    header: {
      uuid: randomUUID(),
      messageClass,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: process.pid,
      from: 'nats-spec',
      serializer: JSON_SERIALIZER_NAME,
    },
    payload: JSON.stringify({ sequence }),
  };
}

export function sequenceOf(envelope: Envelope): number {
  return (JSON.parse(String(envelope.payload)) as { sequence: number }).sequence;
}
