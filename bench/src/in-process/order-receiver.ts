import { HandledListener } from './contender';
import { BenchOrder } from '../shared/bench-order';
import { validOrderFrom } from './order-validation';

/**
 * The body of every contender's handler, so all of them do the same work: validate what arrived
 * when the contender validates by hand (peers and floor with validation on; our bus validates
 * before the handler runs), then report the message handled.
 */
export class OrderReceiver {
  constructor(
    private readonly validate: boolean,
    private readonly onHandled: HandledListener,
  ) {}

  received(order: BenchOrder): void {
    const checked = this.validate ? validOrderFrom(order) : order;
    this.onHandled(checked.seq);
  }
}
