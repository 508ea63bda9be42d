import { Envelope } from '../interfaces/envelope.interface';

/** Turns envelopes into wire frames and back; networked transports use one. */
export interface FrameCodec {
  readonly name: string;
  encode(envelope: Envelope): string;
  /** Throws `FrameDecodeError` for anything that is not a frame. */
  decode(frame: string | Uint8Array): Envelope;
}
