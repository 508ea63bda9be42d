import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A frame larger than its transport's `maxFrameBytes` was refused on publish: nothing was sent.
 * (On receipt an oversized frame is a `FrameDecodeError` and set aside without being parsed.)
 */
export class FrameTooLargeError extends SmartMessageError {
  readonly code = 'SM_FRAME_TOO_LARGE' as const;

  constructor(
    readonly transport: string,
    readonly bytes: number,
    readonly limit: number,
    readonly messageClass?: string,
  ) {
    super(
      `${messageClass ?? 'A frame'} encodes to ${bytes} bytes, above the ${transport} transport's maxFrameBytes of ${limit}; ` +
        'the message was not sent. Send large content by reference (store it, send its key) or raise maxFrameBytes on every transport that carries it',
    );
  }
}
