/** A class decorated with `@Message()`; instances are the messages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MessageType<T extends object = object> = new (...args: any[]) => T;
