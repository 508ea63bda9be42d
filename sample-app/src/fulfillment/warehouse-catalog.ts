import { Injectable } from '@nestjs/common';

/** SKUs of this form are not on file until someone adds them: the sample's way to fail on demand. */
const NOT_ON_FILE = /^FAIL-/;

/** Which articles the warehouse can pack. Stands in for the warehouse's own database. */
@Injectable()
export class WarehouseCatalog {
  private readonly added = new Set<string>();

  knows(sku: string): boolean {
    return !NOT_ON_FILE.test(sku) || this.added.has(sku);
  }

  add(sku: string): void {
    this.added.add(sku);
  }
}
