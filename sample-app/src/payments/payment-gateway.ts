import { Injectable } from '@nestjs/common';

/** How the sample's stand-in for a payment provider behaves, set over HTTP to show retries and breakers. */
export interface PaymentGatewayState {
  /** The next N charges fail with a timeout, then charges work again. */
  failNext: number;
  /** Every charge fails until set back. */
  down: boolean;
  charges: number;
}

export class PaymentGatewayTimeout extends Error {
  override readonly name = 'PaymentGatewayTimeout';
}

/** The external payment provider of the sample: in-process, but failing on demand. */
@Injectable()
export class PaymentGateway {
  private readonly state: PaymentGatewayState = { failNext: 0, down: false, charges: 0 };

  status(): PaymentGatewayState {
    return { ...this.state };
  }

  configure(change: Partial<Pick<PaymentGatewayState, 'failNext' | 'down'>>): PaymentGatewayState {
    Object.assign(this.state, change);
    return this.status();
  }

  async charge(orderId: string, totalCents: number): Promise<void> {
    this.state.charges++;
    if (this.state.down) throw new PaymentGatewayTimeout(`payment provider is down (order ${orderId})`);
    if (this.state.failNext > 0) {
      this.state.failNext--;
      throw new PaymentGatewayTimeout(`payment provider timed out charging ${totalCents} cents (order ${orderId})`);
    }
  }
}
