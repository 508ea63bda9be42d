import { Injectable } from '@nestjs/common';
import { BoundedMap } from '../common/bounded-map';
import { SampleLimits } from '../common/sample-limits';

/** SKUs of this form are not on file until someone adds them: the sample's way to fail on demand. */
const NOT_ON_FILE = /^FAIL-/;

/** Which articles the warehouse can pack. Stands in for the warehouse's own database. */
@Injectable()
export class WarehouseCatalog {
  /** Past `SampleLimits.skus` additions, the oldest is forgotten (and its orders fail again). */
  private readonly added: BoundedMap<string, true>;

  constructor(limits: SampleLimits) {
    this.added = new BoundedMap(limits.skus);
  }

  knows(sku: string): boolean {
    return !NOT_ON_FILE.test(sku) || this.added.has(sku);
  }

  add(sku: string): void {
    this.added.set(sku, true);
  }
}
