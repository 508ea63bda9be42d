import { expect } from '@jest/globals';
import { UNKNOWN_MESSAGE_CLASS } from '@smart-message/nestjs';
import { deadLetter, minute, unreadableFrame } from '../dead-letter-fixtures';
import { DeadLetterStoreSuite } from '../dead-letter-store-suite';

export function describeStatsCases(suite: DeadLetterStoreSuite): void {
  suite.test('stats of an empty store count nothing', async (store) => {
    expect(await store.stats()).toEqual({ total: 0, byReason: {}, byMessageClass: {}, byHandler: {}, evicted: 0 });
  });

  suite.test('stats count entries by reason, message type and handler', async (store) => {
    await store.upsert(deadLetter({ id: 'a', at: 4, messageClass: 'OrderPlaced', reason: 'handler-failed' }));
    await store.upsert(deadLetter({ id: 'b', at: 2, messageClass: 'OrderPlaced', reason: 'handler-failed' }));
    await store.upsert(
      deadLetter({ id: 'c', at: 3, messageClass: 'OrderShipped', handlerId: 'Orders.onShipped', reason: 'rejected' }),
    );
    await store.upsert(unreadableFrame('d', 'garbage', 9));
    // An update is still one entry.
    await store.upsert(deadLetter({ id: 'a', at: 5, messageClass: 'OrderPlaced', reason: 'invalid', attempts: 2 }));

    expect(await store.stats()).toEqual({
      total: 4,
      byReason: { 'handler-failed': 1, invalid: 1, rejected: 1, undecodable: 1 },
      byMessageClass: { OrderPlaced: 2, OrderShipped: 1, [UNKNOWN_MESSAGE_CLASS]: 1 },
      byHandler: { 'FulfillmentService.onOrderPlaced': 2, 'Orders.onShipped': 1 },
      oldestFailedAt: minute(2),
      newestFailedAt: minute(9),
      evicted: 0,
    });
  });

  suite.test('stats take the same filters as list', async (store) => {
    await store.upsert(deadLetter({ id: 'a', at: 1, messageClass: 'OrderPlaced', reason: 'handler-failed' }));
    await store.upsert(deadLetter({ id: 'b', at: 2, messageClass: 'OrderShipped', reason: 'rejected' }));
    await store.upsert(deadLetter({ id: 'c', at: 3, messageClass: 'OrderShipped', reason: 'handler-failed' }));

    expect(await store.stats({ messageClass: 'OrderShipped', since: minute(3) })).toEqual({
      total: 1,
      byReason: { 'handler-failed': 1 },
      byMessageClass: { OrderShipped: 1 },
      byHandler: { 'FulfillmentService.onOrderPlaced': 1 },
      oldestFailedAt: minute(3),
      newestFailedAt: minute(3),
      evicted: 0,
    });
  });
}
