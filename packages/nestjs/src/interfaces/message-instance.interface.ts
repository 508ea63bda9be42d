/**
 * What `publish()` and `request()` take: an instance of a class decorated with `@Message()`.
 * TypeScript cannot tell an instance from a plain object of the same shape, but this type
 * refuses an object literal written in the call (`bus.publish({ orderId })`: excess property)
 * and a promise not awaited at compile time; anything else that is not an instance of a
 * message class is refused at run time with `NotAMessageError`.
 */
export type MessageInstance = object & { then?: never };
