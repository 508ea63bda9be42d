import { Packr, Unpackr } from 'msgpackr';
import { PayloadDecodeError } from '../payload-decode.error';
import { EncodedPayload } from '../../interfaces/envelope.interface';
import { PayloadSerializer } from '../serializer.interface';
import { assertSafeMsgpack } from './msgpack-scan';
import { toMsgpackValue } from './msgpack-value';

/** Name of the MessagePack serializer in chains (`msgpack`, `msgpack+deflate`). */
export const MSGPACK_SERIALIZER_NAME = 'msgpack';

/**
 * MessagePack through msgpackr, built in beside `json`. It writes JSON's data model plus byte
 * arrays (see `toMsgpackValue`): smaller than JSON text and with `Uint8Array` properties as raw
 * bytes. Received payloads are checked by `assertSafeMsgpack` before msgpackr reads them, and
 * msgpackr runs without records, structured clones or any extension.
 */
export class MsgpackSerializer implements PayloadSerializer {
  readonly name = MSGPACK_SERIALIZER_NAME;
  readonly contentType = 'application/msgpack';
  private readonly packr = new Packr({ useRecords: false, structuredClone: false, moreTypes: false });
  // copyBuffers: a byte-array property must not keep the whole received frame alive.
  private readonly unpackr = new Unpackr({
    useRecords: false,
    structuredClone: false,
    mapsAsObjects: true,
    copyBuffers: true,
    int64AsType: 'number',
  });

  encode(value: unknown): Uint8Array {
    return this.packr.pack(toMsgpackValue(value));
  }

  decode(payload: EncodedPayload): unknown {
    if (typeof payload === 'string')
      throw new PayloadDecodeError('payload is not acceptable msgpack: it arrived as text, not bytes');
    assertSafeMsgpack(payload);
    try {
      return this.unpackr.unpack(payload) as unknown;
    } catch (error) {
      throw new PayloadDecodeError(`payload is not valid msgpack: ${(error as Error).message}`, { cause: error });
    }
  }
}
