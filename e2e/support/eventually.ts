import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 5;
const GIVE_UP_AFTER_MS = 2000;

/**
 * Runs `probe` until it stops throwing. Delivery is asynchronous, so expectations about who saw
 * a message go in here; one that never comes true fails with its last assertion error.
 */
export async function eventually<T>(probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(POLL_INTERVAL_MS);
    }
  }
}
