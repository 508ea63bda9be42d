import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule, EventBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { HandledListener, InProcessContender } from '../contender';
import { BenchOrder } from '../../shared/bench-order';
import { OrderReceiver } from '../order-receiver';
import { assertValidOrder } from '../order-validation';

@EventsHandler(BenchOrder)
class OrderPlacedHandler implements IEventHandler<BenchOrder> {
  constructor(private readonly receiver: OrderReceiver) {}

  handle(order: BenchOrder): void {
    this.receiver.received(order);
  }
}

@Module({})
class CqrsBenchModule {
  static with(receiver: OrderReceiver): DynamicModule {
    return {
      module: CqrsBenchModule,
      imports: [CqrsModule.forRoot()],
      providers: [OrderPlacedHandler, { provide: OrderReceiver, useValue: receiver }],
    };
  }
}

/**
 * @nestjs/cqrs with its defaults: `EventBus.publish` of the order as the event to an
 * `@EventsHandler`, which the bus's RxJS pipeline calls inside the publish call. The order object
 * itself is handed over (no serialization). With validation, the publisher runs validateSync on
 * the order and the handler plainToInstance + validateSync on what it got.
 */
export class CqrsContender implements InProcessContender {
  readonly orderType = BenchOrder;
  private app?: INestApplicationContext;
  private eventBus?: EventBus;

  constructor(private readonly validate: boolean) {}

  async start(onHandled: HandledListener): Promise<void> {
    this.app = await NestFactory.createApplicationContext(
      CqrsBenchModule.with(new OrderReceiver(this.validate, onHandled)),
      { logger: false },
    );
    this.eventBus = this.app.get(EventBus);
  }

  publish(order: BenchOrder): undefined {
    if (this.validate) assertValidOrder(order);
    this.eventBus!.publish(order);
    return undefined;
  }

  async stop(): Promise<void> {
    await this.app?.close();
  }
}
