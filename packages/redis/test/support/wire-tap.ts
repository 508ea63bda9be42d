import { Redis } from 'ioredis';

/** Which Redis transport a spec runs on: frames are captured from channels, or read back from streams. */
export type WireKind = 'pub/sub' | 'Streams';

/**
 * What Redis holds of a spec's frames, as anyone with access to it could read them: on pub/sub
 * every frame published under the prefix (captured from the moment `watch` is called), on
 * Streams each stream's entries read back with XRANGE (the frame is the entry's second field).
 */
export class WireTap {
  private readonly tap = new Redis();
  private readonly captured: string[] = [];
  private prefix = '';

  constructor(private readonly kind: WireKind) {}

  async watch(prefix: string): Promise<void> {
    this.prefix = prefix;
    this.captured.length = 0;
    if (this.kind !== 'pub/sub') return;
    await this.tap.psubscribe(`${prefix}*`);
    this.tap.on('pmessage', (_pattern, _channel, frame: string) => void this.captured.push(frame));
  }

  async unwatch(): Promise<void> {
    if (this.kind !== 'pub/sub') return;
    await this.tap.punsubscribe();
    this.tap.removeAllListeners('pmessage');
  }

  /** The frames of one message class as text, in the order Redis took them. */
  async frames(messageClass: string): Promise<string[]> {
    if (this.kind === 'Streams') {
      const reader = new Redis();
      const entries = await reader.xrange(`${this.prefix}${messageClass}`, '-', '+');
      reader.disconnect();
      return entries.map(([, fields]) => fields[1]!);
    }
    return this.captured.filter((frame) => (JSON.parse(frame) as { type?: unknown }).type === messageClass);
  }

  close(): void {
    this.tap.disconnect();
  }
}
