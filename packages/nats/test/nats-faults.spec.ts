import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { Envelope } from '@smart-message/nestjs';
import { FrameRejection } from '@smart-message/nestjs/transport-kit';
import {
  DEAD_LETTER_HEADERS,
  NatsConnectionError,
  NatsConsumerDriftError,
  NatsJetStreamTransport,
  NatsUnavailableError,
} from '@smart-message/nats';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { freePort, OwnNatsServer } from './support/own-nats-server';
import { startNatsProxy, TcpProxy } from './support/tcp-proxy';
import { TestStreams, withManager } from './support/test-streams';

// Faults on a nats-server of this file's own (free port, temporary store): it is killed and
// restarted here, never the shared one.
jest.setTimeout(60_000);

const ROOT = join(__dirname, '../../..');
let server: OwnNatsServer;
let proxy: TcpProxy;
let streams: TestStreams;
const open: { close(): Promise<void> }[] = [];

function track<T extends { close(): Promise<void> }>(transport: T): T {
  open.push(transport);
  return transport;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let classes = 0;
const className = (label: string) => `Fault${label}_${process.pid}_${classes++}`;

beforeAll(async () => {
  server = await OwnNatsServer.start();
  proxy = await startNatsProxy({ host: '127.0.0.1', port: server.port });
  streams = new TestStreams(server.url);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((transport) => transport.close()));
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('startup', () => {
  it('fails fast with a coded error naming host, port, cause and fix when nothing listens', async () => {
    const port = await freePort();
    const transport = track(new NatsJetStreamTransport({ url: `nats://127.0.0.1:${port}`, connectTimeoutMs: 300 }));
    const error = await transport.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NatsConnectionError);
    expect(error).toMatchObject({ code: 'SM_NATS_CONNECTION_FAILED', failure: 'refused' });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toContain('start nats-server');
  });

  it('names JetStream as the cause when the server runs without it', async () => {
    const port = await freePort();
    const plain = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    try {
      const probe = track(streams.core({ url: `nats://127.0.0.1:${port}`, connectTimeoutMs: 5000 }));
      await probe.start(); // retries until the server listens
      const transport = track(new NatsJetStreamTransport({ url: `nats://127.0.0.1:${port}`, connectTimeoutMs: 2000 }));
      const error = await transport.start().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'SM_NATS_CONNECTION_FAILED', failure: 'no-jetstream' });
      expect((error as Error).message).toContain('-js');
    } finally {
      plain.kill('SIGKILL');
    }
  });
});

describe('NatsJetStreamTransport faults', () => {
  it('handles every acknowledged publish across a server SIGKILL and restart, with bounded duplicates', async () => {
    const messageClass = className('Kill');
    const transport = track(streams.jetStream({ url: proxy.url(), publishTimeoutMs: 30_000 }));
    await transport.start();
    const handled: number[] = [];
    await transport.subscribe(
      messageClass,
      async (envelope) => {
        handled.push(sequenceOf(envelope));
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
      { concurrency: 10, group: 'kill' },
    );
    const acknowledged: number[] = [];
    const publishing = (async () => {
      for (let sequence = 0; sequence < 400; sequence++) {
        await transport.publish(envelopeOf(messageClass, sequence));
        acknowledged.push(sequence);
      }
    })();
    await waitFor(() => handled.length >= 100, '100 messages before the kill');
    await server.restart('SIGKILL');
    await publishing;
    await waitFor(() => acknowledged.every((sequence) => handled.includes(sequence)), 'every acknowledged publish');
    const duplicates = handled.length - new Set(handled).size;
    // At most what was out and unacknowledged at the kill (10 at a time), and what the client had pulled.
    expect(duplicates).toBeLessThanOrEqual(30);
    expect(transport.status().subscriptions[0].consuming).toBe(true);
  });

  it('comes back by itself after the proxy drops the connection, with one pull and each message once', async () => {
    const messageClass = className('Drop');
    const transport = track(streams.jetStream({ url: proxy.url() }));
    const handled: number[] = [];
    await transport.subscribe(messageClass, async (envelope) => void handled.push(sequenceOf(envelope)), {
      concurrency: 4,
      group: 'drop',
    });
    await transport.publish(envelopeOf(messageClass, 0));
    await waitFor(() => handled.length === 1, 'the first message');
    proxy.dropAll();
    await waitFor(() => transport.status().reconnects >= 1, 'the reconnect');
    for (let sequence = 1; sequence <= 50; sequence++) await transport.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => handled.length >= 51, 'the messages after the drop');
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a doubled delivery to show
    expect([...handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 51 }, (_, index) => index));
    const status = transport.status();
    expect(status.subscriptions).toHaveLength(1);
    expect(status.subscriptions[0]).toMatchObject({ consuming: true, restores: 0 });
    expect((await transport.health(2000)).up).toBe(true);
  });

  it('dead-letters a poison message after maxDeliveries with the reason, while the others flow', async () => {
    const messageClass = className('Poison');
    const transport = track(streams.jetStream({ maxDeliveries: 3 }));
    const attempts: number[] = [];
    const handled: number[] = [];
    const rejections: FrameRejection[] = [];
    await transport.subscribe(
      messageClass,
      async (envelope, delivery) => {
        if (sequenceOf(envelope) === 0) {
          attempts.push(delivery.attempt);
          throw new Error('poison for the test');
        }
        handled.push(sequenceOf(envelope));
      },
      { concurrency: 4, group: 'poison', onReject: (rejection) => rejections.push(rejection) },
    );
    for (let sequence = 0; sequence < 20; sequence++) await transport.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => handled.length === 19 && rejections.length === 1, 'the others and the poison');
    expect(attempts).toEqual([1, 2, 3]);
    expect(rejections[0]).toMatchObject({ reason: 'poison', attempt: 3 });
    const dead = await withManager(server.url, (jsm) =>
      jsm.streams.getMessage(transport.topology.deadLetterStream, {
        last_by_subj: transport.topology.deadLetterSubjectOf(messageClass),
      }),
    );
    expect(dead?.header.get(DEAD_LETTER_HEADERS.reason)).toBe('poison');
    expect(dead?.header.get(DEAD_LETTER_HEADERS.group)).toBe('poison');
    expect(dead?.header.get(DEAD_LETTER_HEADERS.error)).toContain('poison for the test');
    expect(sequenceOf(transport['codec'].decode(dead!.data) as Envelope)).toBe(0);
    const info = await withManager(server.url, (jsm) =>
      jsm.consumers.info(transport.streamOf(messageClass), transport.consumerOf('poison', messageClass)),
    );
    expect(info).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
  });

  it('dead-letters undecodable and oversized frames at once, without calling handlers or redelivering', async () => {
    const messageClass = className('Garbage');
    const transport = track(streams.jetStream({ maxFrameBytes: 4096 }));
    const handled: number[] = [];
    const rejections: FrameRejection[] = [];
    await transport.subscribe(messageClass, async (envelope) => void handled.push(sequenceOf(envelope)), {
      concurrency: 2,
      group: 'garbage',
      onReject: (rejection) => rejections.push(rejection),
    });
    const nc = await connect({ servers: server.url.replace('nats://', '') });
    try {
      const subject = transport.addressOf(messageClass);
      await nc.request(subject, new TextEncoder().encode('{not json'), { timeout: 5000 });
      await nc.request(subject, new Uint8Array(10_000).fill(65), { timeout: 5000 });
    } finally {
      await nc.close();
    }
    await transport.publish(envelopeOf(messageClass, 7));
    await waitFor(() => handled.length === 1 && rejections.length === 2, 'the good message and two rejections');
    expect(rejections.map((rejection) => rejection.reason)).toEqual(['undecodable', 'undecodable']);
    expect((rejections[1].frame as Uint8Array).length).toBeLessThan(10_000);
    await waitFor(() => transport.status().subscriptions[0].deadLettered === 2, 'two dead letter copies');
    const { state } = await withManager(server.url, (jsm) => jsm.streams.info(transport.topology.deadLetterStream));
    expect(state.messages).toBeGreaterThanOrEqual(2);
    const info = await withManager(server.url, (jsm) =>
      jsm.consumers.info(transport.streamOf(messageClass), transport.consumerOf('garbage', messageClass)),
    );
    expect(info).toMatchObject({ num_pending: 0, num_ack_pending: 0, num_redelivered: 0 });
  });

  it('refuses to subscribe when the durable consumer differs from its settings, and applies them only when told', async () => {
    const messageClass = className('Drift');
    const first = track(streams.jetStream({ maxDeliveries: 5 }));
    await first.subscribe(messageClass, async () => undefined, { concurrency: 2, group: 'drift' });
    const second = track(streams.jetStream({ maxDeliveries: 3, ackWaitMs: 10_000 }));
    const error = await second
      .subscribe(messageClass, async () => undefined, { concurrency: 2, group: 'drift' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NatsConsumerDriftError);
    expect((error as NatsConsumerDriftError).drift).toEqual([
      { field: 'ack_wait', wanted: '10000 ms', actual: '30000 ms' },
      { field: 'max_deliver', wanted: 4, actual: 6 },
    ]);
    expect((error as Error).message).toContain("onConsumerDrift: 'update'");
    const consumer = first.consumerOf('drift', messageClass);
    const stream = first.streamOf(messageClass);
    expect((await withManager(server.url, (jsm) => jsm.consumers.info(stream, consumer))).config.max_deliver).toBe(6);

    const updating = track(streams.jetStream({ maxDeliveries: 3, ackWaitMs: 10_000, onConsumerDrift: 'update' }));
    await updating.subscribe(messageClass, async () => undefined, { concurrency: 2, group: 'drift' });
    expect((await withManager(server.url, (jsm) => jsm.consumers.info(stream, consumer))).config.max_deliver).toBe(4);
  });

  it('reports a backlog above the health limits, from the consumer on the server', async () => {
    const messageClass = className('Backlog');
    const transport = track(streams.jetStream());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await transport.subscribe(messageClass, () => held, { concurrency: 1, group: 'backlog' });
    for (let sequence = 0; sequence < 5; sequence++) await transport.publish(envelopeOf(messageClass, sequence));
    let problems: string[] = [];
    await waitFor(async () => {
      const health = await transport.health(2000, { maxLag: 2, maxPending: 0 });
      problems = health.details.problems as string[];
      return !health.up && problems.length === 2;
    }, 'the backlog problems');
    expect(problems).toEqual([
      `${messageClass} (backlog): lag 4 above 2`,
      `${messageClass} (backlog): 1 pending above 0`,
    ]);
    const backlog = await transport.backlog(2000);
    expect(backlog).toContainEqual({
      group: 'backlog',
      messageClass,
      ready: 4,
      delayed: 0,
      leased: 1,
      oldestDueAgeMs: 0,
    });
    release();
    await waitFor(async () => (await transport.health(2000, { maxLag: 2, maxPending: 0 })).up, 'the backlog to drain');
  });

  it('on close with work in flight, acknowledges what was handled and leaves the rest for another instance', async () => {
    const messageClass = className('Close');
    // Messages on their way when the pull closes come again after ack_wait: short, so the test is quick.
    const transport = streams.jetStream({ ackWaitMs: 2000 });
    const started: number[] = [];
    const release: (() => void)[] = [];
    await transport.subscribe(
      messageClass,
      (envelope) => {
        started.push(sequenceOf(envelope));
        return new Promise<void>((resolve) => release.push(resolve));
      },
      { concurrency: 2, group: 'close' },
    );
    for (let sequence = 0; sequence < 10; sequence++) await transport.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => started.length === 2, 'two handlers running');
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false); // waits for the running handlers
    for (const resolve of release) resolve();
    await closing;
    expect(started).toHaveLength(2);

    const next = track(streams.jetStream({ ackWaitMs: 2000 }));
    const handled: number[] = [];
    await next.subscribe(messageClass, async (envelope) => void handled.push(sequenceOf(envelope)), {
      concurrency: 2,
      group: 'close',
    });
    const rest = Array.from({ length: 10 }, (_, index) => index).filter((sequence) => !started.includes(sequence));
    // Those pulled but not started were given back; none of them was acknowledged unhandled.
    await waitFor(() => rest.every((sequence) => handled.includes(sequence)), 'the messages the first instance left');
    expect(handled.filter((sequence) => started.includes(sequence))).toEqual([]);
  });

  it("hands a killed consumer process's unacknowledged messages to the other instance", async () => {
    const messageClass = className('Sigkill');
    const group = 'sigkill';
    const child = spawnChild({
      NATS_URL: server.url,
      NATS_PREFIX: streams.prefix,
      NATS_ACK_WAIT_MS: '1000',
      MESSAGE_CLASS: messageClass,
      GROUP: group,
      CONCURRENCY: '5',
    });
    try {
      await waitFor(() => child.events.some((event) => event.event === 'subscribed'), 'the child to subscribe', 45_000);
      const publisher = track(streams.jetStream({ ackWaitMs: 1000 }));
      for (let sequence = 0; sequence < 5; sequence++) await publisher.publish(envelopeOf(messageClass, sequence));
      await waitFor(
        () => child.events.filter((event) => event.event === 'received').length === 5,
        'the child to take all 5',
      );
      child.process.kill('SIGKILL');
      await new Promise((resolve) => child.process.once('exit', resolve));

      const handled: { sequence: number; attempt: number }[] = [];
      await publisher.subscribe(
        messageClass,
        async (envelope, delivery) => void handled.push({ sequence: sequenceOf(envelope), attempt: delivery.attempt }),
        { concurrency: 5, group },
      );
      await waitFor(() => handled.length >= 5, 'the messages the killed process held');
      expect(handled.map(({ sequence }) => sequence).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(handled.every(({ attempt }) => attempt === 2)).toBe(true);
    } finally {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
  });
});

describe('NatsTransport faults', () => {
  it('refuses a publish while disconnected with NatsUnavailableError, and publishes again once back', async () => {
    const messageClass = className('CoreDown');
    const transport = track(streams.core({ url: proxy.url(), publishTimeoutMs: 300 }));
    const received: number[] = [];
    await transport.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 1,
      group: 'core',
    });
    proxy.refuse();
    proxy.dropAll();
    try {
      await waitFor(() => transport.status().connection !== 'connected', 'the disconnect');
      const error = await transport.publish(envelopeOf(messageClass, 1)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NatsUnavailableError);
      expect(error).toMatchObject({ code: 'SM_NATS_UNAVAILABLE' });
      expect((await transport.health(500)).up).toBe(false);
    } finally {
      proxy.open();
    }
    await waitFor(() => transport.status().connection === 'connected', 'the reconnect');
    await transport.publish(envelopeOf(messageClass, 2));
    await waitFor(() => received.length === 1, 'the publish after the reconnect');
    expect(received).toEqual([2]);
  });

  it('sets deliveries beyond maxQueuedDeliveries aside as overflow instead of queueing them', async () => {
    const messageClass = className('CoreSlow');
    const transport = track(streams.core({ maxQueuedDeliveries: 5 }));
    const rejections: FrameRejection[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await transport.subscribe(
      messageClass,
      async () => {
        calls++;
        await held;
      },
      { concurrency: 1, group: 'core', onReject: (rejection) => rejections.push(rejection) },
    );
    for (let sequence = 0; sequence < 20; sequence++) await transport.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => rejections.length === 14, '14 overflows (1 running, 5 waiting)');
    expect(rejections.every((rejection) => rejection.reason === 'overflow')).toBe(true);
    release();
    await waitFor(() => calls === 6, 'the six taken');
  });
});

interface ChildHandle {
  process: ChildProcess;
  events: { event: string; seq?: number }[];
}

function spawnChild(env: Record<string, string>): ChildHandle {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(__dirname, 'fixtures/child-consumer.ts'),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), TS_NODE_SWC: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const handle: ChildHandle = { process: child, events: [] };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      handle.events.push(JSON.parse(line) as { event: string });
    } catch {
      // not one of ours
    }
  });
  child.stderr!.resume();
  return handle;
}
