import { FactoryProvider } from '@nestjs/common';
import { resolve } from 'node:path';
import { MessageBus } from '../bus/message-bus';
import { deadLetterListener } from '../dead-letters/dead-letter-listener';
import { DeadLetterQueue } from '../dead-letters/dead-letter-queue';
import { DeadLettersOptions } from '../dead-letters/dead-letters-options.interface';
import { defaultDeadLettersFile } from '../dead-letters/default-dead-letters-file';
import { JsonlDeadLetterStore } from '../dead-letters/jsonl-dead-letter.store';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { SmartMessageModuleOptions } from './module-options.interface';
import { NestMessageLogger } from './nest-message-logger';
import { MessageBusOptions } from '../bus/message-bus-options.interface';
import { SMART_MESSAGE_MODULE_OPTIONS } from './smart-message.module-definition';

/**
 * The module's queue: the given store, or a JSON Lines file named after the entity, whose absolute
 * path is logged so that an operator knows which file a readiness check and a replay read.
 */
export function createDeadLetterQueue(
  option: DeadLettersOptions | false | undefined,
  entity?: string,
  logger?: MessageLogger,
): DeadLetterQueue | null {
  if (option === false) return null;
  if (option?.store) return new DeadLetterQueue(option.store);
  const path = resolve(process.cwd(), defaultDeadLettersFile(entity));
  logger?.log(`Dead letters are kept in ${path} (set deadLetters.store to keep them elsewhere)`, { path });
  // No logger (`logger: false`) means no lines, evictions included; stats().evicted still counts them.
  return new DeadLetterQueue(new JsonlDeadLetterStore(path, { logger: logger ?? silentLogger }));
}

const silentLogger: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The module's `DeadLetterQueue`: `null` with `deadLetters: false`. */
export const deadLetterQueueProvider: FactoryProvider<DeadLetterQueue | null> = {
  provide: DeadLetterQueue,
  useFactory: (options: SmartMessageModuleOptions) =>
    createDeadLetterQueue(
      options.deadLetters,
      options.entity,
      options.logger === false ? undefined : (options.logger ?? new NestMessageLogger()),
    ),
  inject: [SMART_MESSAGE_MODULE_OPTIONS],
};

/** The bus's `onUndeliverable`: the dead letter queue first, then the user's own listener. */
export function undeliverableWithDeadLetters(
  options: SmartMessageModuleOptions,
  deadLetters: DeadLetterQueue | null,
): Pick<MessageBusOptions, 'onUndeliverable'> {
  return deadLetters ? { onUndeliverable: deadLetterListener(deadLetters, options.onUndeliverable) } : {};
}

/** Lets the queue replay through the bus it is fed by. */
export function connectDeadLetters(bus: MessageBus, deadLetters: DeadLetterQueue | null): MessageBus {
  deadLetters?.connect(bus);
  return bus;
}
