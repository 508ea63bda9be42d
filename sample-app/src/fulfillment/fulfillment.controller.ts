import { Controller, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { WarehouseCatalog } from './warehouse-catalog';

@UseGuards(AdminTokenGuard)
@Controller('fulfillment')
export class FulfillmentController {
  constructor(private readonly catalog: WarehouseCatalog) {}

  /** Puts an article on file, so orders for it can be packed (and their dead letters replayed). */
  @Put('skus/:sku')
  @HttpCode(204)
  addSku(@Param('sku') sku: string): void {
    this.catalog.add(sku);
  }
}
