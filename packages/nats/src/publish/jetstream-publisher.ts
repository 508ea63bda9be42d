import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { ReconnectGate } from '@smart-message/nestjs/transport-kit';
import { ManagedNatsConnection } from '../connection/managed-nats-connection';
import { NatsPublishBufferFullError } from '../errors/nats-publish-buffer-full.error';
import { NatsUnavailableError } from '../errors/nats-unavailable.error';
import { StreamSetup } from '../topology/stream-setup';

/** One try of a JetStream publish waits at most this long for the stream's answer before it is retried. */
const ATTEMPT_TIMEOUT_MS = 5000;

/** Where one JetStream publish goes. */
export interface JetStreamTarget {
  readonly subject: string;
  readonly stream: string;
}

/**
 * Publishes to JetStream and resolves on the stream's acknowledgement. Each message carries its
 * id as `Nats-Msg-Id`, so a try that timed out but was stored is dropped as a duplicate when it
 * is retried (within the stream's `duplicate_window`). Timeouts, 503s (no stream leader, or a
 * request sent while disconnected) and lost connections are retried until `publishTimeoutMs`;
 * waiting publishes are bounded by `maxWaiting`.
 */
export class JetStreamPublisher {
  private readonly gate: ReconnectGate;

  constructor(
    connection: ManagedNatsConnection,
    private readonly js: () => JetStreamClient,
    private readonly streams: StreamSetup,
    private readonly timeoutMs: number,
    maxWaiting: number,
  ) {
    this.gate = new ReconnectGate(connection, {
      timeoutMs,
      maxWaiting,
      unavailable: (limit, options) => new NatsUnavailableError(limit, options),
      full: (limit) => new NatsPublishBufferFullError(limit),
    });
  }

  publish(target: JetStreamTarget, frame: Uint8Array, msgID: string, headers?: MsgHdrs): Promise<PubAck> {
    const deadline = Date.now() + this.timeoutMs;
    return this.gate.run(async () => {
      await this.streams.ensure(target.stream, [target.subject]);
      try {
        return await this.js().publish(target.subject, frame, {
          msgID,
          expect: { streamName: target.stream },
          timeout: Math.max(50, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now())),
          ...(headers ? { headers } : {}),
        });
      } catch (error) {
        // No stream took the subject: it may have been deleted; create it again on the next try.
        if (/no responders|503/i.test(String((error as Error).message))) this.streams.forget(target.stream);
        throw error;
      }
    });
  }
}
