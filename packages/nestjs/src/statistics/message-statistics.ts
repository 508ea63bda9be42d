import { messageTypeRegistry } from '../catalog/message-type-registry';

/** The row and label under which frames of a type no `@Message()` class declares are counted. */
export const UNKNOWN_MESSAGE_TYPE = 'unknown';

/** Which wire names are message types of this process; the bus's `MessageTypeRegistry` is one. */
export interface RegisteredMessageTypes {
  hasName(name: string): boolean;
}

export interface DurationSummary {
  count: number;
  totalMs: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

export interface MessageTypeCounters {
  published: number;
  received: number;
}

/** What went through one named transport, all message types together. */
export interface TransportCounters {
  published: number;
  received: number;
}

export interface HandlerCounters {
  /** The routing name of the handler's message type, as in the header. */
  messageClass: string;
  /** @deprecated Since 0.2: the same as `messageClass`, kept for readers of 0.1 snapshots. */
  messageType: string;
  /** Passed the filters and the version check, and was queued for the handler. */
  delivered: number;
  filteredOut: number;
  /** Refused for their version: older than the class reads (`version-mismatch`) or newer (`future-version`). */
  versionMismatched: number;
  /** Of `delivered`, how many arrived in an older version and were upcast: while it grows, keep the upcasters. */
  upcast: number;
  /** Failed decoding or validation on receipt and never reached the handler. */
  rejected: number;
  /** Refused by the handler's `MessagePolicy` (dead-lettered as `unauthorized`); not counted as delivered. */
  denied: number;
  succeeded: number;
  failed: number;
  /** Deliveries skipped because this handler had processed (or was processing) the message's uuid. */
  deduplicated: number;
  /** Further attempts a retry policy made after failures. */
  retried: number;
  duration: DurationSummary;
}

export interface StatisticsSnapshot {
  messageTypes: Record<string, MessageTypeCounters>;
  handlers: Record<string, HandlerCounters>;
  transports: Record<string, TransportCounters>;
}

type HandlerCounter = Exclude<keyof HandlerCounters, 'messageClass' | 'messageType' | 'duration'>;

/**
 * Counts what happens to each message type and each handler, as the original's SimpleStats did and more.
 * A frame's `type` is the sender's to choose, so only registered message types get their own row:
 * the others count under `unknown`, and the rows stay as many as the classes this process declares.
 */
export class MessageStatistics {
  private types = new Map<string, MessageTypeCounters>();
  private handlers = new Map<string, HandlerCounters>();
  private transports = new Map<string, TransportCounters>();

  /** `registered`: the process-wide registry of `@Message()` classes unless given another. */
  constructor(private readonly registered: RegisteredMessageTypes = messageTypeRegistry) {}

  /** The name a message type is counted and labelled under: its own if registered, else `unknown`. */
  typeLabel(messageClass: string): string {
    return this.registered.hasName(messageClass) ? messageClass : UNKNOWN_MESSAGE_TYPE;
  }

  /** `transport` is optional so that callers counting per type only keep working. */
  countPublished(messageClass: string, transport?: string): void {
    this.type(messageClass).published++;
    if (transport !== undefined) this.transport(transport).published++;
  }

  countReceived(messageClass: string, transport?: string): void {
    this.type(messageClass).received++;
    if (transport !== undefined) this.transport(transport).received++;
  }

  count(handlerId: string, messageClass: string, counter: HandlerCounter): void {
    this.handler(handlerId, messageClass)[counter]++;
  }

  recordOutcome(handlerId: string, messageClass: string, succeeded: boolean, durationMs: number): void {
    const counters = this.handler(handlerId, messageClass);
    if (succeeded) counters.succeeded++;
    else counters.failed++;
    const duration = counters.duration;
    duration.count++;
    duration.totalMs += durationMs;
    duration.minMs = duration.count === 1 ? durationMs : Math.min(duration.minMs, durationMs);
    duration.maxMs = Math.max(duration.maxMs, durationMs);
    duration.meanMs = duration.totalMs / duration.count;
  }

  /** Counters of a registered type; any other name reads the shared `unknown` row. */
  forType(messageClass: string): MessageTypeCounters {
    return { ...(this.types.get(this.typeLabel(messageClass)) ?? { published: 0, received: 0 }) };
  }

  forTransport(transport: string): TransportCounters {
    return { ...(this.transports.get(transport) ?? { published: 0, received: 0 }) };
  }

  forHandler(handlerId: string): HandlerCounters | undefined {
    const counters = this.handlers.get(handlerId);
    return counters && { ...counters, duration: { ...counters.duration } };
  }

  snapshot(): StatisticsSnapshot {
    return {
      messageTypes: Object.fromEntries([...this.types].map(([name, counters]) => [name, { ...counters }])),
      handlers: Object.fromEntries([...this.handlers.keys()].map((id) => [id, this.forHandler(id) as HandlerCounters])),
      transports: Object.fromEntries([...this.transports].map(([name, counters]) => [name, { ...counters }])),
    };
  }

  reset(): void {
    this.types = new Map();
    this.handlers = new Map();
    this.transports = new Map();
  }

  private type(messageClass: string): MessageTypeCounters {
    let counters = this.types.get(messageClass);
    if (!counters) {
      const label = this.typeLabel(messageClass);
      counters = this.types.get(label);
      if (counters) return counters;
      counters = { published: 0, received: 0 };
      this.types.set(label, counters);
    }
    return counters;
  }

  private transport(name: string): TransportCounters {
    let counters = this.transports.get(name);
    if (!counters) {
      counters = { published: 0, received: 0 };
      this.transports.set(name, counters);
    }
    return counters;
  }

  private handler(handlerId: string, messageClass: string): HandlerCounters {
    let counters = this.handlers.get(handlerId);
    if (!counters) {
      counters = {
        messageClass,
        messageType: messageClass,
        delivered: 0,
        filteredOut: 0,
        versionMismatched: 0,
        upcast: 0,
        rejected: 0,
        denied: 0,
        succeeded: 0,
        failed: 0,
        deduplicated: 0,
        retried: 0,
        duration: { count: 0, totalMs: 0, minMs: 0, maxMs: 0, meanMs: 0 },
      };
      this.handlers.set(handlerId, counters);
    }
    return counters;
  }
}
