import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Envelope } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';

const codec = new CloudEventsFrameCodec();

/** The frames a historical version of CustomerRegistered wrote (see golden/write-golden-frames.ts). */
export function goldenFrames(version: 1 | 2): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(__dirname, 'golden', `customer-registered.v${version}.json`), 'utf8')) as Record<
    string,
    unknown
  >[];
}

/** A frame read back through the real codec, optionally edited first (as a sender could). */
export function envelopeOf(frame: Record<string, unknown>, edit: Record<string, unknown> = {}): Envelope {
  return codec.decode(JSON.stringify({ ...frame, ...edit }));
}
