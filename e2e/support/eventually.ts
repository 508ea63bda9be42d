import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How long the probe may keep failing; it only bounds a failing test. Default 2000 ms. */
  giveUpAfterMs?: number;
  /** Pause between tries. Default 5 ms. */
  pollIntervalMs?: number;
}

const POLL_INTERVAL_MS = 5;
const GIVE_UP_AFTER_MS = 2000;

/**
 * Runs `probe` until it stops throwing. Delivery is asynchronous, so expectations about who saw
 * a message go in here; one that never comes true fails with its last assertion error.
 */
export async function eventually<T>(probe: () => Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.giveUpAfterMs ?? GIVE_UP_AFTER_MS);
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(options.pollIntervalMs ?? POLL_INTERVAL_MS);
    }
  }
}
