import { FactoryProvider } from '@nestjs/common';
import { resolve } from 'node:path';
import { MessageBus } from '../bus/message-bus';
import { deadLetterListener } from '../dead-letters/dead-letter-listener';
import { DeadLetterQueue } from '../dead-letters/dead-letter-queue';
import { DEFAULT_DEAD_LETTERS_FILE, DeadLettersOptions } from '../dead-letters/dead-letters-options.interface';
import { JsonlDeadLetterStore } from '../dead-letters/jsonl-dead-letter.store';
import { SmartMessageModuleOptions } from '../interfaces/module-options.interface';
import { MessageBusOptions } from '../bus/message-bus-options.interface';
import { SMART_MESSAGE_MODULE_OPTIONS } from './smart-message.module-definition';

export function createDeadLetterQueue(option: DeadLettersOptions | false | undefined): DeadLetterQueue | null {
  if (option === false) return null;
  return new DeadLetterQueue(
    option?.store ?? new JsonlDeadLetterStore(resolve(process.cwd(), DEFAULT_DEAD_LETTERS_FILE)),
  );
}

/** The module's `DeadLetterQueue`: `null` with `deadLetters: false`. */
export const deadLetterQueueProvider: FactoryProvider<DeadLetterQueue | null> = {
  provide: DeadLetterQueue,
  useFactory: (options: SmartMessageModuleOptions) => createDeadLetterQueue(options.deadLetters),
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
