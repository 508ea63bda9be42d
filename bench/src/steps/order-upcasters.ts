import { Message, PlainPayload } from '@smart-message/nestjs';
import { BenchOrder } from '../shared/bench-order';

/**
 * A handler class two versions ahead of the publisher: BenchOrderPlaced version 3, reading the
 * version 1 the benchmark publishes through two upcasters, each a rename as real ones mostly are.
 * The step table counts every frame of this file and of packages/nestjs/src/versioning as "upcast".
 */
@Message({
  name: 'BenchOrderPlaced',
  version: 3,
  upcast: {
    1: ({ customer, ...rest }: PlainPayload): PlainPayload => ({ ...rest, customerName: customer }),
    2: ({ customerName, ...rest }: PlainPayload): PlainPayload => ({ ...rest, customer: customerName }),
  },
})
export class BenchOrderPlacedV3 extends BenchOrder {}
