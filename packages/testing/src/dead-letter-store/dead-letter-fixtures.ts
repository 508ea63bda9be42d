import { DeadLetterEntry, UndeliverableReason } from '@smart-message/nestjs';

/** 2026-01-01T00:00:00.000Z: the contract's entries fail at whole minutes after it. */
const EPOCH_MS = Date.UTC(2026, 0, 1);

/** The ISO time `minute` minutes after the contract's epoch. */
export function minute(value: number): string {
  return new Date(EPOCH_MS + value * 60_000).toISOString();
}

export interface FixtureShape {
  id: string;
  messageClass?: string;
  handlerId?: string;
  reason?: UndeliverableReason;
  /** Minutes after the epoch of the last failure (first failure one minute before). */
  at?: number;
  payload?: string | Uint8Array;
  attempts?: number;
}

/** A dead letter with everything a store must keep, shaped by the few fields a test is about. */
export function deadLetter(shape: FixtureShape): DeadLetterEntry {
  const at = shape.at ?? 0;
  return {
    id: shape.id,
    reason: shape.reason ?? 'handler-failed',
    envelope: {
      header: {
        uuid: `00000000-0000-4000-8000-${shape.id.padStart(12, '0').slice(-12)}`,
        messageClass: shape.messageClass ?? 'OrderPlaced',
        version: 1,
        publishedAt: minute(at - 2),
        publisherPid: 4242,
        from: 'orders',
        to: 'fulfillment',
        serializer: 'json',
        correlationId: 'conversation-1',
      },
      payload: shape.payload ?? JSON.stringify({ orderId: shape.id, sku: 'MUG-01' }),
    },
    handlerId: shape.handlerId ?? 'FulfillmentService.onOrderPlaced',
    transport: 'durable',
    attempts: shape.attempts ?? 1,
    lastAttempt: 1,
    firstFailedAt: minute(at - 1),
    lastFailedAt: minute(at),
    error: { name: 'OutOfStockError', message: `no stock for ${shape.id}`, code: 'OUT_OF_STOCK', stack: 'at pack()' },
  };
}

/** A frame that could not be read: no envelope, no handler, the raw bytes or text kept. */
export function unreadableFrame(id: string, frame: string | Uint8Array, at = 0): DeadLetterEntry {
  return {
    id,
    reason: 'undecodable',
    frame,
    transport: 'broadcast',
    attempts: 1,
    lastAttempt: 1,
    firstFailedAt: minute(at),
    lastFailedAt: minute(at),
    error: { name: 'FrameDecodeError', message: 'not a CloudEvents frame', code: 'SM_FRAME_DECODE' },
  };
}
