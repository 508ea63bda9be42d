import { EncodedPayload, PayloadSerializer } from '@smart-message/nestjs';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';

/** A well-formed CloudEvents frame from `tests`, as an attacker with write access writes it raw. */
export const frameOf = (messageClass: string, data: object): string =>
  new CloudEventsFrameCodec().encode({
    header: {
      uuid: `u-${Math.random()}`,
      messageClass,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: 1,
      from: 'tests',
      serializer: 'json',
    },
    payload: JSON.stringify(data),
  });

/** A serializer that is not JSON: the payload is a note's `text` itself. */
export class TextSerializer implements PayloadSerializer {
  constructor(
    readonly name: string,
    readonly contentType: string,
  ) {}

  encode(value: unknown): EncodedPayload {
    return (value as { text: string }).text;
  }

  decode(payload: EncodedPayload): unknown {
    return { text: typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8') };
  }
}
