import { EventEmitter } from 'node:events';
import { HandledListener, InProcessContender } from '../contender';
import { BenchOrder } from '../../shared/bench-order';
import { OrderReceiver } from '../order-receiver';
import { assertValidOrder } from '../order-validation';

const ORDER = 'order';

/**
 * The least any in-process message path does: a bare node:events EventEmitter, no Nest, with
 * the order serialized (JSON.stringify) on publish and parsed (JSON.parse) in the listener, as a
 * transport that hands over bytes must. With validation, validateSync on publish and
 * plainToInstance + validateSync on receipt, by hand.
 */
export class FloorContender implements InProcessContender {
  readonly orderType = BenchOrder;
  private readonly emitter = new EventEmitter();

  constructor(private readonly validate: boolean) {}

  async start(onHandled: HandledListener): Promise<void> {
    const receiver = new OrderReceiver(this.validate, onHandled);
    this.emitter.on(ORDER, (text: string) => receiver.received(JSON.parse(text) as BenchOrder));
  }

  publish(order: BenchOrder): undefined {
    if (this.validate) assertValidOrder(order);
    this.emitter.emit(ORDER, JSON.stringify(order));
    return undefined;
  }

  async stop(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
