import { Envelope, Transport } from '@smart-message/nestjs';
import { TransportSubscription } from '@smart-message/nestjs/transport-kit';
import { flushEnvelope } from './conformance-envelopes';
import { DeliveryReaction, DeliveryRecorder } from './delivery-recorder';
import { Gate } from './gate';
import { ResolvedConformanceOptions } from './resolved-conformance-options';
import { pause, waitFor } from './wait-for';

export interface HarnessSubscribeOptions {
  concurrency?: number;
  group?: string;
}

const DEFAULT_TEST_CONCURRENCY = 8;
const DEFAULT_TEST_GROUP = 'conformance';

/**
 * How long a test lets a transport show a wrong early result (an unsubscribe or close resolving
 * while deliveries are still held) before releasing them. Nothing is asserted about durations:
 * a longer wait only makes a wrong result more likely to be seen.
 */
const EARLY_RESULT_WINDOW_MS = 50;

/** One test's transport and the helpers its cases share; torn down after every test. */
export class ConformanceHarness {
  private readonly gates: Gate[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    readonly transport: Transport,
    private readonly options: ResolvedConformanceOptions,
  ) {}

  messageClass(label: string): string {
    return this.options.messageClassName(label);
  }

  recorder(reaction?: DeliveryReaction): DeliveryRecorder {
    return new DeliveryRecorder(reaction);
  }

  /** A gate that teardown opens, so a failed test never leaves close() waiting on held handlers. */
  gate(): Gate {
    const gate = new Gate();
    this.gates.push(gate);
    return gate;
  }

  subscribe(
    messageClass: string,
    recorder: DeliveryRecorder,
    options: HarnessSubscribeOptions = {},
  ): Promise<TransportSubscription> {
    return this.transport.subscribe(messageClass, recorder.handler, {
      concurrency: options.concurrency ?? DEFAULT_TEST_CONCURRENCY,
      group: options.group ?? DEFAULT_TEST_GROUP,
    });
  }

  /** One after another, each awaited: the publish order that `concurrency: 1` must keep. */
  async publishInOrder(envelopes: readonly Envelope[]): Promise<void> {
    for (const envelope of envelopes) await this.transport.publish(envelope);
  }

  async publishConcurrently(envelopes: readonly Envelope[]): Promise<void> {
    await Promise.all(envelopes.map((envelope) => this.transport.publish(envelope)));
  }

  waitFor(condition: () => boolean, description: string | (() => string)): Promise<void> {
    return waitFor(condition, description, {
      timeoutMs: this.options.deliveryTimeoutMs,
      intervalMs: this.options.pollIntervalMs,
    });
  }

  async waitForAll(recorder: DeliveryRecorder, envelopes: readonly Envelope[], who: string): Promise<void> {
    await this.waitFor(
      () => recorder.hasReceivedAll(envelopes),
      () => `${who} to receive ${envelopes.length} messages (received ${recorder.countReceived(envelopes)})`,
    );
  }

  /**
   * Publishes a marker to `messageClass` and waits until every recorder has seen it. What a
   * transport was going to deliver before the marker has then arrived, so a test can assert
   * that nothing else (no duplicate, no stray message) came.
   */
  async flush(messageClass: string, recorders: readonly DeliveryRecorder[]): Promise<void> {
    const marker = flushEnvelope(messageClass);
    await this.transport.publish(marker);
    await this.waitFor(
      () => recorders.every((recorder) => recorder.sawFlush(marker.header.uuid)),
      `every subscription of ${messageClass} to receive the flush marker`,
    );
  }

  /** Resolves when `promise` does or the early-result window has passed, whichever is first. */
  async giveTimeToResolveEarly(promise: Promise<unknown>): Promise<void> {
    await Promise.race([promise.then(noop, noop), pause(EARLY_RESULT_WINDOW_MS)]);
  }

  /** Closes the transport once; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.transport.close();
    return this.closing;
  }

  async teardown(): Promise<void> {
    for (const gate of this.gates) gate.open();
    await this.close();
  }
}

function noop(): void {}
