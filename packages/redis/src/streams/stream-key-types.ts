import type { RedisClient } from '../connection/redis-client';
import type { MessageLogger } from '@smart-message/nestjs';
import { StreamKeyTypeError } from '../errors/stream-key-type.error';
import { ConsumedStream } from './consumed-stream';

export interface StreamKeyTypesDependencies {
  group: string;
  streams: ReadonlyMap<string, ConsumedStream>;
  commands: () => RedisClient;
  logger: MessageLogger;
  ensureGroup(stream: string, startFrom?: '$' | '0'): Promise<void>;
  /** A stream is readable again: its own pending entries are taken back first. */
  recoverOwnPending(stream: ConsumedStream): Promise<void>;
  /** The read loop should look at the stream set again. */
  interruptRead(): Promise<void>;
}

/** Whether Redis refused a command because a key holds another type than the command reads. */
export function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
}

/**
 * A consumer's streams whose key holds another type (a string or a hash someone wrote over it):
 * each is set aside, so its group's other streams are still read, and read again once the key
 * is a stream or gone.
 */
export class StreamKeyTypes {
  constructor(private readonly deps: StreamKeyTypesDependencies) {}

  /** Why `key` cannot be read as a stream, or `undefined` when it is one or does not exist. */
  async failureOf(key: string): Promise<StreamKeyTypeError | undefined> {
    const type = await this.deps.commands().type(key);
    return type === 'stream' || type === 'none' ? undefined : new StreamKeyTypeError(key, type, this.deps.group);
  }

  setAside(stream: ConsumedStream, failure: StreamKeyTypeError): void {
    stream.failure = failure;
    this.deps.logger.error('A stream cannot be read; its consumer group reads its other streams meanwhile', {
      code: failure.code,
      stream: stream.key,
      group: this.deps.group,
      type: failure.keyType,
      error: failure.message,
    });
  }

  /**
   * XREADGROUP fails as a whole when one of its keys is not a stream, and does not say which:
   * finds the keys of another type and sets their streams aside, so the next read covers the
   * others. False when every key is a stream again (the next read will tell).
   */
  async isolate(keys: string[]): Promise<boolean> {
    let isolated = false;
    const found = await Promise.all(keys.map((key) => this.failureOf(key).catch(() => undefined)));
    found.forEach((failure, index) => {
      const stream = this.deps.streams.get(keys[index]!);
      if (!failure || !stream) return;
      this.setAside(stream, failure);
      isolated = true;
    });
    return isolated;
  }

  /** On the claim timer: a stream set aside for its key's type is read again once the key is a stream (or gone). */
  async retry(): Promise<void> {
    let restored = false;
    for (const stream of [...this.deps.streams.values()]) {
      if (!stream.failure) continue;
      try {
        const failure = await this.failureOf(stream.key);
        if (failure) continue;
        // The key was replaced: its group went with it, so the new stream is read from its start.
        await this.deps.ensureGroup(stream.key, '0');
        stream.failure = undefined;
        restored = true;
        this.deps.logger.log('A stream set aside for its key type is a stream again; reading it', {
          stream: stream.key,
          group: this.deps.group,
        });
        void this.deps.recoverOwnPending(stream);
      } catch {
        // Tried again on the next claim round.
      }
    }
    if (restored) await this.deps.interruptRead();
  }
}
