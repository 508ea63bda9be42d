import { AsyncLocalStorage } from 'node:async_hooks';
import { MessageHeader } from '../interfaces/message-header.interface';

/**
 * The header of the message whose handler is running, so that what the handler publishes
 * joins its conversation (`correlationId`) and names its cause (`causationId`).
 */
export const currentMessage = new AsyncLocalStorage<Readonly<MessageHeader>>();
