import { PayloadDecodeError } from '../errors';
import { EncodedPayload } from '../interfaces/envelope.interface';
import { PayloadSerializer } from './serializer.interface';

export const JSON_SERIALIZER_NAME = 'json';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The default serializer. It encodes the message instance with `JSON.stringify`, so the payload
 * is the instance's own enumerable properties (and `toJSON` results such as ISO dates).
 */
export class JsonSerializer implements PayloadSerializer {
  readonly name = JSON_SERIALIZER_NAME;
  readonly contentType = 'application/json';

  encode(value: unknown): string {
    return JSON.stringify(value);
  }

  decode(payload: EncodedPayload): unknown {
    try {
      return JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload)) as unknown;
    } catch (error) {
      throw new PayloadDecodeError(`payload is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
}
