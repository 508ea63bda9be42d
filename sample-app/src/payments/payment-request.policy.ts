import { allowVerifiedFrom, anyOf, MessagePolicy } from '@smart-message/nestjs';
import { PaymentRequested } from './messages/payment-requested.message';

/** What a payment request may ask for when it is not proven to come from the orders service. */
export const UNATTENDED_PAYMENT_LIMIT_CENTS = 5_000;

/**
 * Who may ask payments to charge: the orders service, proven by its signature, for any amount;
 * anyone else only up to `UNATTENDED_PAYMENT_LIMIT_CENTS`. Refused requests are dead-lettered
 * as `unauthorized`. Because the rule asks for a verified sender, a forger who writes
 * `from: 'orders'` to the broker without orders' private key gets the small limit only (and
 * `PaymentRequested` requires a signature anyway: see its `receive` policy).
 */
export const paymentRequestPolicy: MessagePolicy<PaymentRequested> = anyOf<PaymentRequested>(
  allowVerifiedFrom('orders'),
  ({ payload }) =>
    payload.totalCents <= UNATTENDED_PAYMENT_LIMIT_CENTS || {
      allow: false,
      reason: `${payload.totalCents} cents is over the limit of ${UNATTENDED_PAYMENT_LIMIT_CENTS} for senders other than a verified orders`,
    },
);
