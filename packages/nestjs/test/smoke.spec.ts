import 'reflect-metadata';
import { IsInt, IsString, Min } from 'class-validator';
import { Message, MessageBus, MessageValidationError } from '@smart-message/nestjs';

@Message({ from: 'shop' })
class OrderPlaced {
  @IsString() orderId!: string;
  @IsInt() @Min(1) quantity = 1;
}

describe('smoke', () => {
  it('publishes and receives', async () => {
    const bus = new MessageBus({ entity: 'shop' });
    const seen: OrderPlaced[] = [];
    await bus.subscribe(OrderPlaced, (m) => {
      seen.push(m);
    });
    await bus.start();
    const order = Object.assign(new OrderPlaced(), { orderId: 'A1', quantity: 2 });
    await bus.publish(order);
    await bus.dispatcher.idle();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(OrderPlaced);
    await expect(bus.publish(Object.assign(new OrderPlaced(), { quantity: 0 }))).rejects.toBeInstanceOf(
      MessageValidationError,
    );
    await bus.shutdown();
  });
});
