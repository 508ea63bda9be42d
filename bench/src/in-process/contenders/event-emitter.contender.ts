import { DynamicModule, INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { HandledListener, InProcessContender } from '../contender';
import { BenchOrder } from '../../shared/bench-order';
import { OrderReceiver } from '../order-receiver';
import { assertValidOrder } from '../order-validation';

const ORDER_PLACED = 'order.placed';

@Injectable()
class OrderListener {
  constructor(private readonly receiver: OrderReceiver) {}

  @OnEvent(ORDER_PLACED)
  handle(order: BenchOrder): void {
    this.receiver.received(order);
  }
}

@Module({})
class EventEmitterBenchModule {
  static with(receiver: OrderReceiver): DynamicModule {
    return {
      module: EventEmitterBenchModule,
      imports: [EventEmitterModule.forRoot()],
      providers: [OrderListener, { provide: OrderReceiver, useValue: receiver }],
    };
  }
}

/**
 * @nestjs/event-emitter with its defaults: `EventEmitter2.emit` to an `@OnEvent` listener, which
 * runs inside the emit call. The order object itself is handed over (no serialization). With
 * validation, the publisher runs validateSync on the order and the listener plainToInstance +
 * validateSync on what it got.
 */
export class EventEmitterContender implements InProcessContender {
  readonly orderType = BenchOrder;
  private app?: INestApplicationContext;
  private emitter?: EventEmitter2;

  constructor(private readonly validate: boolean) {}

  async start(onHandled: HandledListener): Promise<void> {
    this.app = await NestFactory.createApplicationContext(
      EventEmitterBenchModule.with(new OrderReceiver(this.validate, onHandled)),
      { logger: false },
    );
    this.emitter = this.app.get(EventEmitter2);
  }

  publish(order: BenchOrder): undefined {
    if (this.validate) assertValidOrder(order);
    this.emitter!.emit(ORDER_PLACED, order);
    return undefined;
  }

  async stop(): Promise<void> {
    await this.app?.close();
  }
}
