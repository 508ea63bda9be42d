import { Body, Controller, Get, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { OrderConfirmation } from './order-confirmation.interface';
import { OrderStatus } from './order-status.type';
import { OrdersService } from './orders.service';
import { PlaceOrderRequest } from './place-order.request';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  place(@Body() request: PlaceOrderRequest): Promise<OrderConfirmation> {
    return this.orders.place(request);
  }

  @Get(':orderId')
  status(@Param('orderId', ParseUUIDPipe) orderId: string): { orderId: string; status: OrderStatus } {
    const status = this.orders.statusOf(orderId);
    if (status === undefined) throw new NotFoundException(`No order ${orderId}`);
    return { orderId, status };
  }
}
