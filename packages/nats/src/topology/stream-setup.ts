import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/** The limits of the streams a transport creates, resolved from its options. */
export interface StreamLimits {
  readonly maxAgeMs: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly replicas: number;
  readonly duplicateWindowMs: number;
  readonly maxMessageBytes: number;
}

/**
 * Creates each stream once per transport, with every setting written out: LimitsPolicy (every
 * consumer reads the whole stream; WorkQueuePolicy would allow one service per subject, and
 * InterestPolicy drops what is published before the first consumer exists), file storage,
 * discard old, the duplicate window publishes rely on. A stream that exists is used as it is:
 * its limits are an operator's to change (`nats stream edit`).
 */
export class StreamSetup {
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(
    private readonly manager: () => Promise<JetStreamManager>,
    private readonly limits: StreamLimits,
  ) {}

  ensure(name: string, subjects: string[]): Promise<void> {
    let ensured = this.ensured.get(name);
    if (!ensured) {
      ensured = this.create(name, subjects);
      this.ensured.set(name, ensured);
      // A failure is not remembered: the next publish or subscribe tries again.
      ensured.catch(() => this.ensured.delete(name));
    }
    return ensured;
  }

  /** Forgets a stream, after a publish found it missing (deleted by hand): the next call creates it again. */
  forget(name: string): void {
    this.ensured.delete(name);
  }

  configOf(name: string, subjects: string[]): Partial<StreamConfig> & { name: string } {
    const { maxAgeMs, maxMessages, maxBytes, replicas, duplicateWindowMs, maxMessageBytes } = this.limits;
    return {
      name,
      subjects,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(maxAgeMs),
      max_msgs: maxMessages,
      max_bytes: maxBytes,
      max_msg_size: maxMessageBytes,
      num_replicas: replicas,
      duplicate_window: nanos(duplicateWindowMs),
    };
  }

  private async create(name: string, subjects: string[]): Promise<void> {
    const jsm = await this.manager();
    try {
      await jsm.streams.info(name);
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await jsm.streams.add(this.configOf(name, subjects));
    } catch (error) {
      // Another instance created it between our info and add: the stream is there, which is the point.
      if (!/already in use/i.test(String((error as Error).message))) throw error;
    }
  }
}

export function isNotFound(error: unknown): boolean {
  const described = error as { code?: unknown; status?: unknown; message?: unknown } | undefined;
  return described?.status === 404 || /not found/i.test(String(described?.message ?? ''));
}
