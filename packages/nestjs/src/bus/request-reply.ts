import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { MessageTypeRegistry } from '../catalog/message-type-registry';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../constants';
import { BusClosedError, RequestTimeoutError, UnexpectedReplyError } from '../errors';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { RequestOptions } from '../interfaces/publish-options.interface';
import { HandlerRegistrar } from './handler-registrar';
import { Publisher } from './publisher';

interface PendingRequest {
  readonly replyType: MessageTypeMetadata;
  /** Senders whose reply is accepted; undefined: any sender. */
  readonly replyFrom?: readonly string[];
  /** The request was signed: only a reply signed by one of `replyFrom` (verified) answers it. */
  readonly signed: boolean;
  resolve(reply: object): void;
  reject(error: Error): void;
}

/**
 * The requester's side of request–reply (a handler's reply is sent by the registrar): a request
 * waits for the reply whose correlation id is its uuid, from a sender it accepts, received by
 * one listener per reply type that the bus registers as a handler.
 */
export class RequestReply {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly listening = new Set<MessageTypeMetadata>();
  /** Reply types already warned about accepting any sender. */
  private readonly unguardedReplyTypes = new Set<MessageTypeMetadata>();

  constructor(
    private readonly registry: MessageTypeRegistry,
    private readonly publisher: Publisher,
    private readonly handlers: HandlerRegistrar,
    private readonly log: MessageLogger,
  ) {}

  /** See `MessageBus.request`. */
  async request<R extends object>(message: object, options: RequestOptions<R>): Promise<R> {
    const replyType = this.registry.get(options.replyType);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    await this.listenForReplies(replyType);
    const sealed = this.publisher.seal(message, options);
    const { uuid, messageClass, to } = sealed.envelope.header;
    const replyFrom = this.acceptedRepliers(options.replyFrom, to, replyType);
    const reply = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(uuid);
        reject(new RequestTimeoutError(messageClass, uuid, timeoutMs));
      }, timeoutMs);
      this.pending.set(uuid, {
        replyType,
        replyFrom,
        signed: sealed.envelope.header.signature !== undefined && replyFrom !== undefined,
        resolve: (value) => {
          clearTimeout(timer);
          this.pending.delete(uuid);
          resolve(value as R);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.pending.delete(uuid);
          reject(error);
        },
      });
    });
    try {
      await this.publisher.send(sealed);
    } catch (error) {
      this.pending.get(uuid)?.reject(error as Error);
    }
    return reply;
  }

  /** At shutdown: every request still waiting fails with `BusClosedError`. */
  rejectAll(): void {
    for (const request of this.pending.values())
      request.reject(new BusClosedError('the message bus shut down before a reply came'));
  }

  private async listenForReplies(replyType: MessageTypeMetadata): Promise<void> {
    if (this.listening.has(replyType)) return;
    this.listening.add(replyType);
    const listener = this.handlers.define({
      id: `SmartMessage.replies:${replyType.name}@${replyType.version}`,
      type: replyType.target,
      options: { concurrency: 1000 },
      invoke: (reply, context) => {
        const { correlationId, from } = context.header;
        const request = correlationId === undefined ? undefined : this.pending.get(correlationId);
        if (request?.replyType !== replyType) return;
        if (request.replyFrom !== undefined && (from === undefined || !request.replyFrom.includes(from))) {
          // Refused, reported as `unexpected-reply`; the request keeps waiting for its real reply.
          throw new UnexpectedReplyError(replyType.name, correlationId as string, from, request.replyFrom);
        }
        if (request.signed) {
          const signer = context.security.signer;
          // A forged reply could otherwise approve what a signed request asked for.
          if (!context.verified || signer === undefined || !request.replyFrom!.includes(signer.entity))
            throw new UnexpectedReplyError(replyType.name, correlationId as string, from, request.replyFrom!, true);
        }
        request.resolve(reply);
      },
    });
    // Exempt from the module's authorization: `replyFrom` decides who may answer a request.
    await this.handlers.register({ ...listener, replyListener: true, policy: undefined });
  }

  /** Who may answer a request: `replyFrom`, else its `to`, else the reply class's `from`, else anyone (warned once). */
  private acceptedRepliers(
    replyFrom: string | readonly string[] | undefined,
    to: string | undefined,
    replyType: MessageTypeMetadata,
  ): readonly string[] | undefined {
    if (replyFrom !== undefined) return typeof replyFrom === 'string' ? [replyFrom] : replyFrom;
    if (to !== undefined) return [to];
    if (replyType.from !== undefined) return [replyType.from];
    if (!this.unguardedReplyTypes.has(replyType)) {
      this.unguardedReplyTypes.add(replyType);
      this.log.warn(
        `Requests answered by ${replyType.name} accept a reply from any sender: they name no \`to\`, ` +
          `${replyType.name} declares no \`from\`, and no \`replyFrom\` request option is set`,
        { replyType: replyType.name },
      );
    }
    return undefined;
  }
}
