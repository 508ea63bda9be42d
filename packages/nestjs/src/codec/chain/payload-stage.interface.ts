import type { MessageHeader } from '../../interfaces/message-header.interface';

/**
 * What a stage may be. A `compression` stage may leave a payload as it is (below its minimum
 * size), so receivers also accept the chain without it; an `encryption` stage always runs, and a
 * compression stage before one is refused unless the class opts in (length leaks plaintext).
 */
export type PayloadStageKind = 'compression' | 'encryption';

/** What a stage is told beside the bytes. */
export interface PayloadStageContext {
  /**
   * The message's header. On publish its `serializer` names the stages that ran before this one,
   * this one and the ones configured after it; on receipt it is the header as received. A stage
   * that binds the header (encryption, as additional authenticated data) must therefore be last,
   * or followed only by stages that never skip.
   */
  readonly header: Readonly<MessageHeader>;
}

/**
 * One step of a serializer chain after the payload serializer (`json+deflate`: `deflate`).
 * Stages work on bytes and see the header. Publishing runs them in chain order, receiving runs
 * their `decode` in reverse. Register stages beyond the built-in `deflate` and `br` with the
 * bus or module option `stages`.
 */
export interface PayloadStage {
  /** Its name in `header.serializer` chains; letters, digits, `.`, `_` and `-`, never `+`. */
  readonly name: string;
  readonly kind: PayloadStageKind;
  /** The bytes to pass on, or `undefined` to leave the payload as it is: the chain then omits this stage. */
  encode(payload: Uint8Array, context: PayloadStageContext): Uint8Array | undefined;
  /**
   * Undoes `encode`. Throws a `SmartMessageError` for input it refuses (the message becomes an
   * `undecodable` dead letter with that error), and never allocates beyond a bound of its own.
   */
  decode(payload: Uint8Array, context: PayloadStageContext): Uint8Array;
}
