import { randomUUID } from 'node:crypto';
import {
  Envelope,
  FrameDecodeError,
  FrameTooLargeError,
  Message,
  MessageBus,
  TransportClosedError,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { CloudEventsFrameCodec, FrameRejection } from '@smart-message/nestjs/transport-kit';
import { describeTransportConformance, waitFor } from '@smart-message/testing';
import { LoopbackBroker } from './loopback-broker';
import { LoopbackUnreachableError } from './loopback-unreachable.error';
import { LoopbackTransport } from './loopback.transport';

// What the transport promises: fan-out within an instance (the default), not `durable`. The
// broker keeps nothing and cannot drop a connection, so there is no `broker` control and the
// broker-failure cases are reported as skipped.
describeTransportConformance('LoopbackTransport', {
  createTransport: async () => {
    const transport = new LoopbackTransport({ broker: new LoopbackBroker() });
    await transport.start();
    return transport;
  },
});

// The rules the suite cannot see from outside the contract, checked for this transport.
describe('LoopbackTransport beyond the conformance suite', () => {
  let broker: LoopbackBroker;
  let transport: LoopbackTransport;

  beforeEach(() => {
    broker = new LoopbackBroker();
    transport = new LoopbackTransport({ broker, maxFrameBytes: 4096, connectTimeoutMs: 200 });
  });

  afterEach(() => transport.close());

  /** Subscribes a handler that records what reached it, and what was set aside. */
  async function listen(messageClass: string) {
    const delivered: Envelope[] = [];
    const rejected: FrameRejection[] = [];
    const subscription = await transport.subscribe(
      messageClass,
      async (envelope) => {
        delivered.push(envelope);
      },
      { concurrency: 1, group: 'example', onReject: (rejection) => rejected.push(rejection) },
    );
    return { delivered, rejected, subscription };
  }

  it('sets aside a frame above maxFrameBytes unparsed, keeping its first 1024 bytes', async () => {
    const { delivered, rejected } = await listen('Oversized');

    await broker.publish(transport.channelOf('Oversized'), `{"specversion":"1.0",${'x'.repeat(10_000)}`);
    await waitFor(() => rejected.length === 1, 'the oversized frame to be set aside');

    expect(rejected[0].reason).toBe('undecodable');
    expect(rejected[0].error).toBeInstanceOf(FrameDecodeError);
    expect(rejected[0].error.message).toMatch(/above maxFrameBytes \(4096\)/);
    expect((rejected[0].frame as Uint8Array).length).toBe(1024);
    expect(delivered).toEqual([]);
  });

  it('sets aside text that is not a frame, with the frame and the codec error', async () => {
    const { delivered, rejected } = await listen('Garbage');

    await broker.publish(transport.channelOf('Garbage'), 'not a frame');
    await waitFor(() => rejected.length === 1, 'the garbage to be set aside');

    expect(rejected[0]).toMatchObject({ reason: 'undecodable', frame: 'not a frame', attempt: 1 });
    expect(rejected[0].error).toBeInstanceOf(FrameDecodeError);
    expect(delivered).toEqual([]);
  });

  it('refuses to publish a frame above maxFrameBytes, sending nothing', async () => {
    const { delivered } = await listen('TooLarge');

    await expect(transport.publish(envelopeOf('TooLarge', 'x'.repeat(5000)))).rejects.toBeInstanceOf(
      FrameTooLargeError,
    );
    await transport.publish(envelopeOf('TooLarge', 'small'));
    await waitFor(() => delivered.length === 1, 'the small message');

    expect(delivered.map((envelope) => envelope.payload)).toEqual(['"small"']);
  });

  it('hands a frame to the subscriptions of the channel it arrived on; the bus sets a forged type aside', async () => {
    @Message({ name: 'LoopbackOrderPlaced' })
    class LoopbackOrderPlaced {}
    const reports: UndeliverableMessage[] = [];
    const handled: unknown[] = [];
    const bus = new MessageBus({
      entity: 'example',
      transports: { loopback: transport },
      onUndeliverable: (report) => reports.push(report),
    });
    await bus.subscribe(LoopbackOrderPlaced, (message) => handled.push(message));
    await bus.start();

    const forged = new CloudEventsFrameCodec().encode(envelopeOf('LoopbackRefundIssued', {}));
    await broker.publish(transport.channelOf('LoopbackOrderPlaced'), forged);
    await waitFor(() => reports.length === 1, 'the forged frame to be reported');
    await bus.shutdown();

    expect(reports[0]).toMatchObject({ reason: 'misrouted', transport: 'loopback' });
    expect(reports[0].error.code).toBe('SM_MISROUTED');
    expect(handled).toEqual([]);
  });

  it('abandon() gives up the deliveries that have not started and reports each as shutdown', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const rejected: FrameRejection[] = [];
    let started = 0;
    const subscription = await transport.subscribe(
      'Abandoned',
      async () => {
        started++;
        await held;
      },
      { concurrency: 1, group: 'example', onReject: (rejection) => rejected.push(rejection) },
    );
    for (const sequence of [0, 1, 2]) await transport.publish(envelopeOf('Abandoned', sequence));
    await waitFor(() => started === 1, 'the first delivery to start');

    expect(subscription.abandon?.()).toBe(2);
    release();
    await subscription.unsubscribe();

    expect(started).toBe(1);
    expect(rejected.map((rejection) => [rejection.reason, rejection.envelope?.payload])).toEqual([
      ['shutdown', '1'],
      ['shutdown', '2'],
    ]);
  });

  it('after close, start, publish and subscribe reject with TransportClosedError', async () => {
    await transport.close();

    await expect(transport.start()).rejects.toBeInstanceOf(TransportClosedError);
    await expect(transport.publish(envelopeOf('Closed', 0))).rejects.toMatchObject({ code: 'SM_TRANSPORT_CLOSED' });
    await expect(
      transport.subscribe('Closed', async () => undefined, { concurrency: 1, group: 'example' }),
    ).rejects.toBeInstanceOf(TransportClosedError);
    expect((await transport.health(100)).up).toBe(false);
  });

  it('start() fails within connectTimeoutMs naming the broker, the cause and the fix, and can be tried again', async () => {
    broker.stop();
    const startedAt = Date.now();

    const failure = await transport.start().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LoopbackUnreachableError);
    expect(failure).toMatchObject({ code: 'SM_LOOPBACK_UNREACHABLE', address: 'loopback://local', timeoutMs: 200 });
    expect((failure as Error).message).toBe(
      'Could not reach the loopback broker at loopback://local while connecting (ECONNREFUSED after 200 ms): ' +
        'start the broker, or pass the transport a broker that runs',
    );
    expect(Date.now() - startedAt).toBeLessThan(2_000);

    broker.start();
    await expect(transport.start()).resolves.toBeUndefined();
  });

  it('start() waits for a broker that is still starting', async () => {
    broker.stop();
    setTimeout(() => broker.start(), 50);

    await expect(transport.start()).resolves.toBeUndefined();
  });

  it('publish() while the broker is down rejects with the transport error, naming the message class', async () => {
    broker.stop();

    await expect(transport.publish(envelopeOf('Unsent', 0))).rejects.toMatchObject({
      code: 'SM_LOOPBACK_UNREACHABLE',
      activity: 'publishing Unsent',
    });
  });

  it('health() is a round trip: down while the broker does not answer', async () => {
    await listen('Watched');
    expect(await transport.health(100)).toMatchObject({ up: true, details: { channels: ['Watched'] } });

    broker.stop();

    expect(await transport.health(100)).toMatchObject({
      up: false,
      details: { error: expect.stringMatching(/ECONNREFUSED/) },
    });
  });
});

function envelopeOf(messageClass: string, value: unknown): Envelope {
  return {
    header: {
      uuid: randomUUID(),
      messageClass,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: process.pid,
      from: 'example',
      serializer: 'json',
    },
    payload: JSON.stringify(value),
  };
}
