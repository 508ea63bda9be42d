import type {
  Envelope,
  HandlerCall,
  MessageType,
  MessageHeader,
  MessageObserver,
  UndeliverableMessage,
  UndeliverableReason,
} from '@smart-message/nestjs';
import { plainToInstance } from 'class-transformer';
import type { CapturedMessage, HarnessEventKind } from './captured-message';
import { realNow } from './real-time';

/** What the recorder needs to turn an envelope into an instance of its class, lazily. */
export interface PayloadReader {
  decode(serializer: string, payload: Envelope['payload']): unknown;
  nameOf(type: MessageType): string;
}

/** Entries a harness keeps by default (`SmartMessageTestingOptions.capacity`). */
export const DEFAULT_CAPACITY = 10_000;

interface NewEntry {
  kind: HarnessEventKind;
  header: Readonly<MessageHeader>;
  envelope?: Envelope;
  payload?: object;
  transport: string;
  handlerId?: string;
  attempt?: number;
  error?: Error;
  reason?: UndeliverableReason;
  delayMs?: number;
}

/**
 * Captures what the bus does, in one ordered log, through the bus's public hooks: a
 * `MessageObserver` (publish, receipt, retries, dead letters) and the harness interceptor
 * (handler outcomes with the handler's own instance). Also counts the work it knows is pending
 * (delayed deliveries, handlers running) so `run()` can tell when the bus is quiet.
 */
export class HarnessRecorder {
  private readonly log: CapturedMessage[] = [];
  /** Entries captured in all, dropped ones included: the next entry's sequence. */
  private captured = 0;
  private readonly listeners = new Set<() => void>();
  private pending = 0;
  private last = realNow();
  /** Requests whose handler returned a message, by uuid: the next publish answering one is its reply. */
  private readonly replying = new Set<string>();
  private reader?: PayloadReader;

  readonly observer: MessageObserver = {
    afterPublish: (envelope, transport, error) => {
      if (error) return;
      const { correlationId } = envelope.header;
      this.add({ kind: 'published', header: envelope.header, envelope, transport });
      if (
        correlationId !== undefined &&
        envelope.header.causationId === correlationId &&
        this.replying.delete(correlationId)
      ) {
        this.add({ kind: 'replied', header: envelope.header, envelope, transport });
      }
    },
    received: (envelope, transport) => this.add({ kind: 'received', header: envelope.header, envelope, transport }),
    retrying: (call: HandlerCall, error: Error, delayMs: number) =>
      this.add({
        kind: 'retried',
        header: call.envelope.header,
        envelope: call.envelope,
        transport: call.transport,
        handlerId: call.handlerId,
        attempt: call.attempt,
        error,
        delayMs,
      }),
    undeliverable: (event: UndeliverableMessage) => {
      const error = Object.assign(new Error(event.error.message), { name: event.error.name, code: event.error.code });
      this.add({
        kind: 'deadLettered',
        header: event.envelope?.header ?? unreadableHeader(),
        envelope: event.envelope,
        transport: event.transport,
        handlerId: event.handlerId,
        attempt: event.attempt,
        error,
        reason: event.reason,
      });
    },
  };

  /** Classes by routing name, learnt from queries and handled messages: what payloads are read as. */
  private readonly classes = new Map<string, MessageType>();

  /** The routing name of `type`, remembering the class so payloads of that name read as its instances. */
  nameOf(type: MessageType): string {
    if (!this.reader)
      throw new Error('the harness is not attached to a bus yet: query it after compiling the testing module');
    const name = this.reader.nameOf(type);
    this.classes.set(name, type);
    return name;
  }

  /** Set once the bus exists; entries read payloads through it. */
  useReader(reader: PayloadReader): void {
    this.reader = reader;
  }

  /** `capacity`: entries kept; past it the oldest go, so a long soak test does not grow without end. */
  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  entries(kind?: HarnessEventKind, after = 0): CapturedMessage[] {
    return this.log.filter((entry) => (kind === undefined || entry.kind === kind) && entry.sequence > after);
  }

  get sequence(): number {
    return this.captured;
  }

  /** Milliseconds since anything was captured or pending work changed. */
  get quietForMs(): number {
    return realNow() - this.last;
  }

  get pendingCount(): number {
    return this.pending;
  }

  /** Marks work the bus does not count as in flight (a delayed delivery); call the result once it is done. */
  track(): () => void {
    this.pending++;
    this.touch();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.pending--;
      this.touch();
    };
  }

  /** A handler of the message `uuid` returned a message: the bus is about to publish it as the reply. */
  expectReply(uuid: string): void {
    this.replying.add(uuid);
  }

  /** Called after every capture; returns the unsubscribe. */
  onCapture(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.log.length = 0;
    this.touch();
  }

  add(entry: NewEntry): void {
    const read = (): object => readPayload(entry.envelope, this.reader, this.classes.get(entry.header.messageClass));
    if (entry.payload) this.classes.set(entry.header.messageClass, entry.payload.constructor as MessageType);
    let payload = entry.payload;
    const classes = this.classes;
    const captured: CapturedMessage = {
      kind: entry.kind,
      sequence: ++this.captured,
      messageClass: entry.header.messageClass,
      header: entry.header,
      envelope: entry.envelope,
      transport: entry.transport,
      handlerId: entry.handlerId,
      attempt: entry.attempt,
      error: entry.error,
      reason: entry.reason,
      delayMs: entry.delayMs,
      get payload(): object {
        if (payload) return payload;
        const decoded = read();
        // Kept once it is an instance of its class; read again while the class is not yet known.
        if (classes.has(entry.header.messageClass)) payload = decoded;
        return decoded;
      },
    };
    this.log.push(captured);
    if (this.log.length > this.capacity) this.log.shift();
    this.touch();
    for (const listener of [...this.listeners]) listener();
  }

  /** Restarts the quiet window. */
  touch(): void {
    this.last = realNow();
  }
}

function unreadableHeader(): MessageHeader {
  return { uuid: '', messageClass: 'unknown', version: 0, publishedAt: '', publisherPid: 0, from: '', serializer: '' };
}

/**
 * Decodes an envelope the way a receiver's serializer would. Chains with stages (compression,
 * encryption) need the receiving handler's keys: those payloads are read on handled entries.
 */
function readPayload(
  envelope: Envelope | undefined,
  reader: PayloadReader | undefined,
  type: MessageType | undefined,
): object {
  if (!envelope) throw new Error('the dead letter holds no readable envelope');
  if (!reader) throw new Error('the harness is not attached to a bus yet');
  const { serializer } = envelope.header;
  if (serializer.includes('+')) {
    throw new Error(`the payload is encoded with the chain "${serializer}"; read it on a handled entry`);
  }
  const data = reader.decode(serializer, envelope.payload);
  if (!type || data === null || typeof data !== 'object') return data as object;
  return plainToInstance(type, data);
}
