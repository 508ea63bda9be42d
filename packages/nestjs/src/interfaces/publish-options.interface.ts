import { MessageType } from './message-type.interface';

/** Addressing for one message, over the class defaults. */
export interface PublishOptions {
  from?: string;
  /** A recipient, or `null` to broadcast a type whose class names a default `to`. */
  to?: string | null;
  replyTo?: string;
  correlationId?: string;
  causationId?: string;
  /**
   * Publish as this older version, for consumers not yet upgraded: the message is validated as
   * its class's version, then the class's `downcast` chain writes the older payload. Absent: the
   * class's version.
   */
  version?: number;
}

export interface RequestOptions<R extends object> extends PublishOptions {
  /** The message type the responder returns; the promise resolves to an instance of it. */
  replyType: MessageType<R>;
  /** Rejects with `RequestTimeoutError` after this long (default 5000). */
  timeoutMs?: number;
  /**
   * Entities whose replies this request accepts (a reply's `from`). Default: the request's `to`
   * (the option or the class default); without one, the reply class's declared `from`; with
   * neither, any sender (warned once per reply type). Other replies are refused and reported
   * as undeliverable (`unexpected-reply`). `from` is not authenticated: this stops replies from
   * entities that name themselves truthfully, not a sender that forges its name.
   */
  replyFrom?: string | readonly string[];
}
