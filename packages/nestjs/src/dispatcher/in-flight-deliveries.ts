import { Envelope } from '../interfaces/envelope.interface';
import type { MessageSecurity } from '../security/receive/message-security';
import { DeliveryInfo } from '../transports/transport.interface';
import { DispatchResult } from './dispatch-result';

/** A handler call not yet finished, for shutdown reports. */
export interface InFlightDelivery {
  handlerId: string;
  uuid: string;
  messageClass: string;
  state: 'queued' | 'running';
}

/** One handler call from the moment it is queued until it ends. */
export interface TrackedDelivery {
  readonly id: number;
  readonly info: InFlightDelivery;
  readonly envelope: Envelope;
  readonly transport: string;
  readonly delivery: DeliveryInfo;
  /** The outcome of the envelope this call belongs to: a call given up at shutdown is recorded there. */
  readonly result: DispatchResult;
  /** What the security checks proved about the message. */
  readonly security: MessageSecurity;
}

/**
 * The handler calls queued or running: what health checks and metrics count, what a shutdown
 * reports as unfinished, and what it gives up when it times out.
 */
export class InFlightDeliveries {
  private readonly calls = new Map<number, TrackedDelivery>();
  private nextId = 0;

  /** How many handler calls are queued or running. */
  get size(): number {
    return this.calls.size;
  }

  /** Tracks a call about to be queued for its handler. */
  track(
    handlerId: string,
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo,
    result: DispatchResult,
    security: MessageSecurity,
  ): TrackedDelivery {
    const { uuid, messageClass } = envelope.header;
    const tracked: TrackedDelivery = {
      id: this.nextId++,
      info: { handlerId, uuid, messageClass, state: 'queued' },
      envelope,
      transport,
      delivery,
      result,
      security,
    };
    this.calls.set(tracked.id, tracked);
    return tracked;
  }

  /** False once the call ended or was given up at shutdown before it started. */
  has(tracked: TrackedDelivery): boolean {
    return this.calls.has(tracked.id);
  }

  end(tracked: TrackedDelivery): void {
    this.calls.delete(tracked.id);
  }

  /** Copies, so a report keeps the state each call had when it was taken. */
  snapshot(): InFlightDelivery[] {
    return [...this.calls.values()].map((tracked) => ({ ...tracked.info }));
  }

  /** Stops tracking each call that has not started, handing it to `giveUp` as soon as it is untracked. */
  abandonQueued(giveUp: (tracked: TrackedDelivery) => void): void {
    for (const [id, tracked] of this.calls) {
      if (tracked.info.state !== 'queued') continue;
      this.calls.delete(id);
      giveUp(tracked);
    }
  }
}
