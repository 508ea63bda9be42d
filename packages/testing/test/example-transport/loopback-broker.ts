/** What a broker client calls with each frame that arrives on a channel it listens to. */
export type FrameListener = (frame: string) => void;

/**
 * An in-process stand-in for a broker and its client library, so the example transport can be
 * written as a networked one is: named channels carry text frames, delivered on a later turn
 * in publish order, to every listener of the channel. It keeps no copy of a frame (at most once,
 * like Redis pub/sub or core NATS), and it can be stopped, so connect, publish and ping fail the
 * way a client's calls fail when nothing listens.
 */
export class LoopbackBroker {
  private readonly channels = new Map<string, Set<FrameListener>>();
  private inTransit: [channel: string, frame: string][] = [];
  private scheduled = false;
  private running = true;

  constructor(readonly address = 'loopback://local') {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Stops answering: the client calls below fail as a refused connection does. */
  stop(): void {
    this.running = false;
  }

  start(): void {
    this.running = true;
  }

  /** Resolves when the broker answers; a client's connect. */
  async connect(): Promise<void> {
    if (!this.running) throw refused(this.address);
  }

  /** A round trip, as PING is. */
  async ping(): Promise<void> {
    if (!this.running) throw refused(this.address);
  }

  /** Resolves once the broker has the frame; it does not wait for any listener. */
  async publish(channel: string, frame: string): Promise<void> {
    if (!this.running) throw refused(this.address);
    this.inTransit.push([channel, frame]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.deliver);
    }
  }

  /** Listens to one channel (exact name, no patterns); returns what stops listening. */
  listen(channel: string, listener: FrameListener): () => void {
    let listeners = this.channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.channels.set(channel, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.channels.get(channel) === listeners) this.channels.delete(channel);
    };
  }

  private readonly deliver = (): void => {
    this.scheduled = false;
    const frames = this.inTransit;
    this.inTransit = [];
    for (const [channel, frame] of frames) {
      for (const listener of [...(this.channels.get(channel) ?? [])]) listener(frame);
    }
  };
}

/** Shaped like Node's socket errors, so the transport reads the cause as it would read a real one. */
function refused(address: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
}
