/**
 * How much the sample keeps in memory for its public endpoints, so that no client can grow it
 * without end. Each store forgets its oldest entries first.
 */
export class SampleLimits {
  constructor(
    /** Order statuses `GET /orders/:id` answers for; an older order answers 404. */
    readonly orders = 10_000,
    /** Articles added with `PUT /fulfillment/skus/:sku`; the oldest addition is forgotten first. */
    readonly skus = 1_000,
    /** Handler calls `GET /activity` lists. */
    readonly activity = 1_000,
  ) {}
}
