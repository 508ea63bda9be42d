import { MessageHeader } from './message-header.interface';

/** A payload as its serializer encoded it: text for text formats, bytes for binary ones. */
export type EncodedPayload = string | Uint8Array;

/** What transports carry: the header, untouched by any serializer, and the encoded payload. */
export interface Envelope {
  readonly header: Readonly<MessageHeader>;
  readonly payload: EncodedPayload;
}
