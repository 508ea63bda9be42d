import { SmartMessageError } from '../errors/smart-message.error';

/** Bytes from a transport that are not a SmartMessage frame. */
export class FrameDecodeError extends SmartMessageError {
  readonly code = 'SM_FRAME_DECODE' as const;
}
