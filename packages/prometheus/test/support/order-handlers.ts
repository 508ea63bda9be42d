import { Injectable } from '@nestjs/common';
import { IsString } from 'class-validator';
import { Deduplicate, Message, MessageContext, NonRetryableError, Retry, Subscribe } from '@smart-message/nestjs';

@Message({ name: 'MetricOrder', from: 'shop' })
export class MetricOrder {
  @IsString() id!: string;
}

export const order = (id: string): MetricOrder => Object.assign(new MetricOrder(), { id });

/** Only takes orders addressed to the warehouse; every other order is filtered out. */
@Injectable()
export class Warehouse {
  readonly packed: string[] = [];

  @Subscribe({ to: 'warehouse' })
  pack(message: MetricOrder): void {
    this.packed.push(message.id);
  }
}

/**
 * Takes every order: `flaky-` ids fail once and succeed on the retry, `broken-` ids fail for good
 * (to the dead letter queue), and a message seen before is skipped as a duplicate.
 */
@Injectable()
export class Billing {
  readonly charged: string[] = [];
  private readonly failedOnce = new Set<string>();

  @Subscribe()
  @Retry({ attempts: 2, initialDelayMs: 1, jitter: 'none' })
  @Deduplicate()
  charge(message: MetricOrder, context: MessageContext): void {
    if (message.id.startsWith('broken')) throw new NonRetryableError(`order ${message.id} cannot be charged`);
    if (message.id.startsWith('flaky') && !this.failedOnce.has(context.header.uuid)) {
      this.failedOnce.add(context.header.uuid);
      throw new Error('payment gateway timed out');
    }
    this.charged.push(message.id);
  }
}
