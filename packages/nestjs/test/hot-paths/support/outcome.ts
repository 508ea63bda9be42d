import { Envelope, MessageHeader, UndeliverableMessage } from '@smart-message/nestjs';

/**
 * What a twin test compares between a shortcut and its general path: everything a user can see,
 * with the per-run values (uuids, timestamps, pids, stacks) replaced by what they stand for, so
 * two runs of the same inputs give equal records.
 */
export interface Outcome {
  /** In the order they happened: handler calls, replies and follow-ups published, failures reported. */
  events: unknown[];
}

/** Turns the uuids of one run into `#1`, `#2`… in the order they were first seen. */
export class UuidNames {
  private readonly names = new Map<string, string>();

  name(uuid: string | undefined): string | undefined {
    if (uuid === undefined) return undefined;
    let name = this.names.get(uuid);
    if (name === undefined) {
      name = `#${this.names.size + 1}`;
      this.names.set(uuid, name);
    }
    return name;
  }

  /** A header without what differs from run to run: its uuid, correlation and causation named, no time or pid. */
  header(header: Readonly<MessageHeader>): Record<string, unknown> {
    const { uuid, correlationId, causationId, publishedAt, publisherPid, ...rest } = header;
    void publishedAt;
    void publisherPid;
    return {
      ...rest,
      uuid: this.name(uuid),
      correlationId: this.name(correlationId),
      causationId: this.name(causationId),
    };
  }

  envelope(envelope: Envelope | undefined): Record<string, unknown> | undefined {
    if (envelope === undefined) return undefined;
    return { header: this.header(envelope.header), payload: envelope.payload };
  }

  undeliverable(event: UndeliverableMessage): Record<string, unknown> {
    return {
      reason: event.reason,
      handlerId: event.handlerId,
      transport: event.transport,
      attempt: event.attempt,
      error: { name: event.error.name, message: event.error.message, code: event.error.code },
      envelope: this.envelope(event.envelope),
    };
  }
}

/** A message instance as a handler got it: its class and its own properties. */
export function described(message: unknown): unknown {
  if (message === null || typeof message !== 'object') return message;
  return { class: message.constructor?.name, ...(message as Record<string, unknown>) };
}
