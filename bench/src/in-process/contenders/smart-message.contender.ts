import { DynamicModule, INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemoryTransport, Message, MessageBus, SmartMessageModule, Subscribe } from '@smart-message/nestjs';
import { quietLogger } from '../../redis/contenders/quiet-logger';
import { HandledListener, InProcessContender } from '../contender';
import { BenchOrder } from '../../shared/bench-order';
import { OrderReceiver } from '../order-receiver';

/** The order as a message type: BenchOrder's fields and rules, with `@Message()`. */
@Message({ name: 'InProcessOrder', description: 'Benchmark order; sentAt is performance.now() at publish' })
class InProcessOrderMessage extends BenchOrder {}

@Injectable()
class OrderHandler {
  constructor(private readonly receiver: OrderReceiver) {}

  @Subscribe(InProcessOrderMessage)
  handle(order: InProcessOrderMessage): void {
    this.receiver.received(order);
  }
}

@Module({})
class SmartMessageBenchModule {
  static with(receiver: OrderReceiver, validate: boolean, serializer: string): DynamicModule {
    return {
      module: SmartMessageBenchModule,
      imports: [
        SmartMessageModule.forRoot({
          entity: 'bench',
          transports: { memory: new MemoryTransport() },
          validateOnPublish: validate,
          validateOnReceive: validate,
          serializer,
          logger: quietLogger,
          // Nothing fails here; without this a failure would leave a dead-letter file in bench/.
          deadLetters: false,
        }),
      ],
      providers: [OrderHandler, { provide: OrderReceiver, useValue: receiver }],
    };
  }
}

/**
 * Our library as an application uses it: SmartMessageModule on the in-memory transport, a
 * `@Subscribe` handler, `MessageBus.publish`. The bus validates on publish and on receipt (the
 * defaults) unless `validate` is false; the handler itself validates nothing.
 */
export class SmartMessageContender implements InProcessContender {
  readonly orderType = InProcessOrderMessage;
  private app?: INestApplicationContext;
  private bus?: MessageBus;

  /** `serializer`: the module-wide chain the order type travels with. */
  constructor(
    private readonly validate: boolean,
    private readonly serializer = 'json',
  ) {}

  async start(onHandled: HandledListener): Promise<void> {
    const receiver = new OrderReceiver(false, onHandled);
    this.app = await NestFactory.createApplicationContext(
      SmartMessageBenchModule.with(receiver, this.validate, this.serializer),
      {
        logger: false,
      },
    );
    this.bus = this.app.get(MessageBus);
  }

  publish(order: BenchOrder): Promise<unknown> {
    return this.bus!.publish(order);
  }

  async stop(): Promise<void> {
    await this.app?.close();
  }
}
