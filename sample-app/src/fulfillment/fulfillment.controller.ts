import { Controller, HttpCode, Param, Put } from '@nestjs/common';
import { WarehouseCatalog } from './warehouse-catalog';

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
