import { PlainPayload } from '@smart-message/nestjs';

/** The currencies the shop takes. */
export const ORDER_CURRENCIES = ['EUR', 'USD', 'GBP'] as const;
export type OrderCurrency = (typeof ORDER_CURRENCIES)[number];

/** Version 1 → 2: the shop sold in euros only until version 2 named the currency. */
export function orderPlacedV1toV2(order: PlainPayload): PlainPayload {
  return { ...order, currency: 'EUR' };
}
