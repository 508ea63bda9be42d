import { randomBytes } from 'node:crypto';
import { PostgresTransport } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { recordingLogger } from './support/recording-logger';
import { TcpProxy } from '@smart-message/testing';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

// The LISTEN connection goes through a proxy of this file's own, so it can be refused or made
// half-open without touching the shared server; the pool goes straight to it. Only this file's
// own LISTEN backend is terminated, found by its unique application_name.
const schema = randomSchema();
const target = new URL(TEST_DATABASE_URL);
const database = target.pathname.slice(1);
// The idle poll is ten minutes away: a message that arrives within the test was woken, or polled
// by the faster poll that only runs while LISTEN is down.
const NEVER_MS = 600_000;
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
});

afterAll(async () => {
  await proxy.close();
  await dropSchema(schema);
});

function listenUrl(): string {
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  url.pathname = `/${database}`;
  return url.toString();
}

async function listening(transport: PostgresTransport): Promise<boolean> {
  return (await transport.health(2000)).details?.listen === true;
}

async function listenBackends(applicationName: string): Promise<number[]> {
  const rows = await sql<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE application_name = $1 AND (query LIKE 'LISTEN%' OR query LIKE '%pg_listening_channels%')`,
    [applicationName],
  );
  return rows.map((row) => row.pid);
}

// Each case waits out an outage, a heartbeat and a reconnect: more than jest's 5 s default on a loaded machine;
// the waits inside bound each step.
jest.setTimeout(30_000);
describe('PostgresTransport when its LISTEN connection fails', () => {
  it('keeps delivering by polling while LISTEN is terminated and refused, then LISTENs again and is woken', async () => {
    proxy.open();
    const applicationName = `sm-listen-drop-${randomBytes(4).toString('hex')}`;
    const messageClass = `ListenDropped_${Date.now()}`;
    const { logger, lines } = recordingLogger();
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      listenConnectionString: listenUrl(),
      schema,
      applicationName,
      pollIntervalMs: 100,
      idlePollIntervalMs: NEVER_MS,
      logger,
    });
    const received: number[] = [];
    try {
      await transport.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
        concurrency: 1,
        group: 'workers',
      });
      await waitFor(() => listening(transport), 'LISTEN to be in place');
      await transport.publish(envelopeOf(messageClass, 1));
      await waitFor(() => received.includes(1), 'message 1, woken by NOTIFY');

      proxy.refuse();
      const [first] = await listenBackends(applicationName);
      expect(first).toEqual(expect.any(Number));
      await sql('SELECT pg_terminate_backend($1)', [first]);
      await waitFor(async () => !(await listening(transport)), 'health to show LISTEN down');
      await transport.publish(envelopeOf(messageClass, 2));
      await transport.publish(envelopeOf(messageClass, 3));
      await waitFor(
        () => received.includes(2) && received.includes(3),
        () => `messages 2 and 3 by polling while LISTEN is down (got ${received.join(', ')})`,
      );
      // Several reconnects fail while the proxy refuses: still one warning.
      const accepted = proxy.accepted;
      await waitFor(() => proxy.accepted >= accepted + 3, 'three refused reconnects', { timeoutMs: 15_000 });
      expect(await listening(transport)).toBe(false);

      proxy.open();
      await waitFor(() => listening(transport), 'LISTEN to come back', { timeoutMs: 15_000 });
      const [second] = await listenBackends(applicationName);
      expect(second).toEqual(expect.any(Number));
      expect(second).not.toBe(first);
      await transport.publish(envelopeOf(messageClass, 4));
      await waitFor(() => received.includes(4), 'message 4, woken by NOTIFY on the new connection');
    } finally {
      await transport.close();
    }
    expect(received.sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    const listenLines = lines.filter((line) => line.message.includes('LISTEN'));
    expect(listenLines.map(({ level, message }) => ({ level, message }))).toEqual([
      { level: 'warn', message: 'PostgreSQL LISTEN connection lost; consumers poll until it is back' },
      { level: 'log', message: 'PostgreSQL LISTEN is back' },
    ]);
    expect(listenLines[1].fields).toMatchObject({ attempts: expect.any(Number) });
    expect(listenLines[1].fields?.attempts as number).toBeGreaterThanOrEqual(3);
  });

  it('replaces a half-open LISTEN connection that stops answering its heartbeat', async () => {
    proxy.open();
    const applicationName = `sm-listen-half-${randomBytes(4).toString('hex')}`;
    const messageClass = `ListenHalfOpen_${Date.now()}`;
    const { logger, lines } = recordingLogger();
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      listenConnectionString: listenUrl(),
      schema,
      applicationName,
      pollIntervalMs: 100,
      idlePollIntervalMs: NEVER_MS,
      listenHeartbeatMs: 200,
      listenHeartbeatTimeoutMs: 500,
      connectTimeoutMs: 1000,
      logger,
    });
    const received: number[] = [];
    try {
      await transport.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
        concurrency: 1,
        group: 'workers',
      });
      await waitFor(() => listening(transport), 'LISTEN to be in place');
      const [first] = await listenBackends(applicationName);
      expect(first).toEqual(expect.any(Number));

      // The socket stays open and the OS keeps answering it: only the heartbeat can tell.
      proxy.pause();
      await waitFor(async () => !(await listening(transport)), 'the heartbeat to give up on the silent connection');
      expect(lines.filter((line) => line.level === 'warn')).toEqual([
        {
          level: 'warn',
          message: 'PostgreSQL LISTEN connection lost; consumers poll until it is back',
          fields: expect.objectContaining({ error: 'the LISTEN heartbeat had no answer within 500 ms' }),
        },
      ]);
      await transport.publish(envelopeOf(messageClass, 1));
      await waitFor(() => received.includes(1), 'message 1 by polling while LISTEN is down');

      proxy.open();
      await waitFor(() => listening(transport), 'LISTEN on a new connection', { timeoutMs: 15_000 });
      await waitFor(async () => {
        const backends = await listenBackends(applicationName);
        return backends.length === 1 && backends[0] !== first;
      }, 'the silent backend to be gone and a new one to LISTEN');
      await transport.publish(envelopeOf(messageClass, 2));
      await waitFor(() => received.includes(2), 'message 2, woken by NOTIFY on the new connection');
    } finally {
      await transport.close();
    }
    expect(received).toEqual([1, 2]);
  });

  it('fetches at once after LISTEN is back what was published while it was away', async () => {
    proxy.open();
    const applicationName = `sm-listen-fetch-${randomBytes(4).toString('hex')}`;
    const messageClass = `ListenFetch_${Date.now()}`;
    // No poll within the test at all, not even while LISTEN is down: only the fetch after the
    // reconnect can find the message.
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      listenConnectionString: listenUrl(),
      schema,
      applicationName,
      pollIntervalMs: NEVER_MS,
      logger: recordingLogger().logger,
    });
    const received: number[] = [];
    try {
      await transport.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
        concurrency: 1,
        group: 'workers',
      });
      await waitFor(() => listening(transport), 'LISTEN to be in place');
      proxy.refuse();
      const [first] = await listenBackends(applicationName);
      await sql('SELECT pg_terminate_backend($1)', [first]);
      await waitFor(async () => !(await listening(transport)), 'health to show LISTEN down');
      await transport.publish(envelopeOf(messageClass, 1));
      expect(received).toEqual([]);
      proxy.open();
      await waitFor(() => received.includes(1), 'message 1, fetched once LISTEN is back', { timeoutMs: 15_000 });
    } finally {
      await transport.close();
    }
  });
});
