import { EncodedPayload } from '../interfaces/envelope.interface';

/** Encodes business payloads only; headers are never passed through a serializer. */
export interface PayloadSerializer {
  /** Name written in `header.serializer`; receivers look the serializer up by it. */
  readonly name: string;
  /** MIME type, written as CloudEvents `datacontenttype`. */
  readonly contentType: string;
  encode(value: unknown): EncodedPayload;
  decode(payload: EncodedPayload): unknown;
}
