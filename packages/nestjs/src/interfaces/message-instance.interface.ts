/**
 * What `publish()` and `request()` take: an instance of a class decorated with `@Message()`.
 * TypeScript cannot tell an instance from a plain object of the same shape, but this type
 * refuses an object literal written in the call (`bus.publish({ orderId })`: excess property),
 * a promise not awaited and a function at compile time; the rest is refused at run time.
 */
export type MessageInstance = object & { then?: never; call?: never };
