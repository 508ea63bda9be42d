import { OrderStatus } from './order-status.type';

/** Response of `POST /orders`: the order and what payments answered. */
export interface OrderConfirmation {
  orderId: string;
  status: OrderStatus;
  payment: { approved: boolean; reason?: string };
}
