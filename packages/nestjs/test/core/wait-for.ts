import { MessageBus } from '@smart-message/nestjs';

/** Polls until `condition` holds, so tests wait for outcomes instead of sleeping a guessed time. */
export async function waitFor(condition: () => boolean, description: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Resolves once the bus has received `count` messages of `messageClass` and every handler call
 * they started has ended. Filtering happens on receipt, so after this a message that did not
 * reach a handler never will.
 */
export async function settled(bus: MessageBus, messageClass: string, count: number): Promise<void> {
  await waitFor(
    () => bus.statistics.forType(messageClass).received >= count,
    `${count} ${messageClass} message(s) to be received`,
  );
  await bus.idle();
}

/** A promise with its resolver outside, to hold a handler until the test lets it go. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
