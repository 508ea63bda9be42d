import { BusClosedError } from '../errors';

/** `open` until shutdown begins, `draining` while handlers finish, `closed` once transports close. */
export type BusState = 'open' | 'draining' | 'closed';

/** Where the bus is in its life, shared by the parts whose answer depends on it. */
export class BusLifecycle {
  state: BusState = 'open';
  /** Set by `start()`: from then on a handler added is subscribed at once. */
  started = false;

  assertNotClosed(): void {
    if (this.state === 'closed') throw new BusClosedError('the message bus is closed');
  }

  assertOpenForHandlers(): void {
    if (this.state !== 'open') throw new BusClosedError('the message bus is shutting down and takes no new handlers');
  }
}
