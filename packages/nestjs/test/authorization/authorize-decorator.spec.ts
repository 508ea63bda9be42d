import 'reflect-metadata';
import { CanActivate, ExecutionContext, INestApplication, Injectable, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsInt, IsString } from 'class-validator';
import {
  allowAll,
  allowFrom,
  Authorize,
  denyAll,
  getMessageContext,
  isSmartMessageContext,
  Message,
  MessageBus,
  MessagePolicy,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'AuthzRefund', from: 'orders' })
class Refund {
  @IsString() orderId!: string;
  @IsInt() amount!: number;
}

const refund = (orderId: string, amount: number): Refund => Object.assign(new Refund(), { orderId, amount });
const belowLimit: MessagePolicy<Refund> = ({ payload }) =>
  payload.amount < 100 || { allow: false, reason: `refund of ${payload.amount} needs a person` };

/** A guard written for messages: still runs, after the policy, through the message execution context. */
@Injectable()
class NoTestOrdersGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return !getMessageContext(context).header.from.startsWith('test-');
  }
}

@Injectable()
@Authorize(denyAll('refunds are paused'))
class RefundHandlers {
  readonly seen: string[] = [];

  /** The method's own policy wins over the class's. */
  @Subscribe()
  @Authorize(belowLimit)
  @UseGuards(NoTestOrdersGuard)
  automatic(message: Refund): void {
    this.seen.push(`automatic:${message.orderId}`);
  }

  /** No policy of its own: the class's applies. */
  @Subscribe()
  manual(message: Refund): void {
    this.seen.push(`manual:${message.orderId}`);
  }
}

@Injectable()
class Ledger {
  readonly seen: string[] = [];

  @Subscribe()
  record(message: Refund): void {
    this.seen.push(`ledger:${message.orderId}`);
  }

  @Subscribe()
  @Authorize(allowFrom('orders'))
  booked(message: Refund): void {
    this.seen.push(`booked:${message.orderId}`);
  }
}

/** The kind of global guard an HTTP app has: it lets messages pass by recognizing their context. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (isSmartMessageContext(context)) return true;
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-api-key'] === 'k';
  }
}

describe('@Authorize and the module authorization options in a Nest app', () => {
  let app: INestApplication | undefined;
  let undeliverable: UndeliverableMessage[];

  const boot = async (providers: unknown[], options: Partial<SmartMessageModuleOptions> = {}): Promise<void> => {
    undeliverable = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'payments',
          logger: false,
          deadLetters: false,
          onUndeliverable: (event) => void undeliverable.push(event),
          ...options,
        }),
      ],
      providers: providers as never[],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  };

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("applies a method's @Authorize over its class's, and the class's to methods without one", async () => {
    await boot([RefundHandlers, NoTestOrdersGuard]);
    const handlers = app!.get(RefundHandlers);
    const bus = app!.get(MessageBus);

    await bus.publish(refund('r-1', 10));
    await bus.publish(refund('r-2', 500));
    await waitFor(() => handlers.seen.length === 1 && undeliverable.length === 3, 'one run, three denies');

    expect(handlers.seen).toEqual(['automatic:r-1']);
    expect(
      undeliverable.map(({ reason, handlerId, error }) => ({ reason, handlerId, message: error.message })),
    ).toEqual([
      {
        reason: 'unauthorized',
        handlerId: 'RefundHandlers.manual',
        message: expect.stringContaining('refunds are paused'),
      },
      {
        reason: 'unauthorized',
        handlerId: 'RefundHandlers.automatic',
        message: expect.stringContaining('refund of 500 needs a person'),
      },
      {
        reason: 'unauthorized',
        handlerId: 'RefundHandlers.manual',
        message: expect.stringContaining('refunds are paused'),
      },
    ]);
    expect(app!.get(MessageBus).statistics.forHandler('RefundHandlers.manual')).toMatchObject({
      denied: 2,
      delivered: 0,
    });
  });

  it('still runs Nest guards on a message the policy allowed', async () => {
    await boot([RefundHandlers, NoTestOrdersGuard]);
    const handlers = app!.get(RefundHandlers);

    await app!.get(MessageBus).publish(refund('r-3', 10), { from: 'test-orders' });
    await waitFor(() => undeliverable.length === 2, 'the class deny and the guard refusal');
    expect(handlers.seen).toEqual([]);
    expect(undeliverable.map(({ reason, handlerId }) => `${reason}:${handlerId}`).sort()).toEqual([
      'rejected:RefundHandlers.automatic',
      'unauthorized:RefundHandlers.manual',
    ]);
  });

  it('denies by default from forRoot({ authorization }); a handler with its own @Authorize is judged by it', async () => {
    await boot([Ledger], { authorization: { denyByDefault: true } });
    const ledger = app!.get(Ledger);

    await app!.get(MessageBus).publish(refund('r-4', 1));
    await waitFor(() => ledger.seen.length === 1 && undeliverable.length === 1, 'one run, one deny');
    expect(ledger.seen).toEqual(['booked:r-4']);
    expect(undeliverable[0]).toMatchObject({ reason: 'unauthorized', handlerId: 'Ledger.record' });
  });

  it('uses forRoot({ authorization: { default } }) for handlers without a policy', async () => {
    await boot([Ledger], { authorization: { default: allowFrom('billing') } });
    const ledger = app!.get(Ledger);

    await app!.get(MessageBus).publish(refund('r-5', 1));
    await waitFor(() => ledger.seen.length === 1 && undeliverable.length === 1, 'one run, one deny');
    expect(ledger.seen).toEqual(['booked:r-5']);
    expect(undeliverable[0]!.error.message).toContain('sender "orders" is not one of billing');
  });

  it('lets a global HTTP guard skip message handlers with isSmartMessageContext', async () => {
    await boot([Ledger, { provide: APP_GUARD, useClass: ApiKeyGuard }], {
      applyAppEnhancers: true,
      authorization: { default: allowAll },
    });
    const ledger = app!.get(Ledger);

    await app!.get(MessageBus).publish(refund('r-6', 1));
    await waitFor(() => ledger.seen.length === 2, 'both handlers past the global guard');
    expect(ledger.seen.sort()).toEqual(['booked:r-6', 'ledger:r-6']);
    expect(undeliverable).toEqual([]);
  });
});
