import { anyOf, allowFrom, MessagePolicy } from '@smart-message/nestjs';
import { PaymentRequested } from './messages/payment-requested.message';

/** What a payment request may ask for when it does not come from the orders service. */
export const UNATTENDED_PAYMENT_LIMIT_CENTS = 5_000;

/**
 * Who may ask payments to charge: the orders service for any amount, anyone else only up to
 * `UNATTENDED_PAYMENT_LIMIT_CENTS`. Refused requests are dead-lettered as `unauthorized`.
 * `from` is self-declared until messages are signed, so this keeps a misconfigured service from
 * charging large sums; it does not stop a forger who writes `from: 'orders'` to the broker.
 */
export const paymentRequestPolicy: MessagePolicy<PaymentRequested> = anyOf<PaymentRequested>(
  allowFrom('orders'),
  ({ payload }) =>
    payload.totalCents <= UNATTENDED_PAYMENT_LIMIT_CENTS || {
      allow: false,
      reason: `${payload.totalCents} cents is over the limit of ${UNATTENDED_PAYMENT_LIMIT_CENTS} for senders other than orders`,
    },
);
