import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CloudEventsFrameCodec } from '@smart-message/nestjs/transport-kit';
import { waitFor } from '@smart-message/testing';
import { envelopeOf } from './support/envelopes';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const ROOT = join(__dirname, '../../..');
const schema = randomSchema();
const MESSAGES = 100_000;
const CHUNK = 10_000;

afterAll(async () => {
  await dropSchema(schema);
});

interface Consumer {
  child: ChildProcess;
  handled: number[];
  lines: string[];
  stderr: () => string;
  exited: Promise<unknown>;
}

function startConsumer(name: string, messageClass: string): Consumer {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(__dirname, 'fixtures/counting-consumer.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        TS_NODE_SWC: 'true',
        DATABASE_URL: TEST_DATABASE_URL,
        SCHEMA: schema,
        CONSUMER_NAME: name,
        MESSAGE_CLASS: messageClass,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const consumer: Consumer = {
    child,
    handled: [],
    lines: [],
    stderr: () => stderr,
    exited: new Promise((resolve) => child.once('exit', resolve)),
  };
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('h ')) for (const word of line.slice(2).split(' ')) consumer.handled.push(Number(word));
    else consumer.lines.push(line);
  });
  return consumer;
}

describe('PostgresTransport with two consumer processes of one group', () => {
  it(`delivers ${MESSAGES} messages, each exactly once, split between the two`, async () => {
    const messageClass = `Volume_${Date.now()}`;
    const consumers = [startConsumer('volume-a', messageClass), startConsumer('volume-b', messageClass)];
    const handled = () => consumers[0].handled.length + consumers[1].handled.length;
    try {
      await waitFor(
        () => consumers.every((consumer) => consumer.lines.includes('subscribed')),
        () => `both consumers to subscribe (${consumers.map((consumer) => consumer.stderr()).join(' | ')})`,
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      // Filled with multi-row inserts, as many publishes would, but in ten statements.
      const codec = new CloudEventsFrameCodec();
      for (let start = 0; start < MESSAGES; start += CHUNK) {
        const envelopes = Array.from({ length: CHUNK }, (_, i) => envelopeOf(messageClass, start + i));
        await sql(
          `WITH message AS (
             INSERT INTO "${schema}".messages (uuid, message_class, frame)
             SELECT uuid, $2, frame FROM unnest($1::uuid[], $3::text[]) AS fill(uuid, frame)
             RETURNING seq
           ), fanned AS (
             INSERT INTO "${schema}".deliveries (message_seq, group_name, message_class)
             SELECT seq, 'workers', $2 FROM message RETURNING 1
           )
           SELECT pg_notify($4, $2) FROM (SELECT 1 FROM fanned LIMIT 1) AS received`,
          [
            envelopes.map((envelope) => envelope.header.uuid),
            messageClass,
            envelopes.map((envelope) => codec.encode(envelope)),
            `${schema}_wake`,
          ],
        );
      }
      await waitFor(
        () => handled() >= MESSAGES,
        () => `${MESSAGES} handled (${handled()} so far)`,
        {
          timeoutMs: 120_000,
          intervalMs: 100,
        },
      );
      await waitFor(
        async () =>
          (await sql<{ left: number }>(`SELECT count(*)::int AS left FROM "${schema}".deliveries`))[0].left === 0,
        'every handled row to be acknowledged',
        { timeoutMs: 20_000, intervalMs: 50 },
      );
    } finally {
      for (const consumer of consumers) consumer.child.kill('SIGTERM');
      await Promise.all(consumers.map((consumer) => consumer.exited));
    }
    expect(consumers.map((consumer) => consumer.lines.includes('closed'))).toEqual([true, true]);
    const seen = new Uint8Array(MESSAGES);
    let duplicates = 0;
    let foreign = 0;
    for (const consumer of consumers)
      for (const sequence of consumer.handled) {
        if (!Number.isInteger(sequence) || sequence < 0 || sequence >= MESSAGES) foreign++;
        else if (seen[sequence]++ > 0) duplicates++;
      }
    expect({ duplicates, foreign, missing: seen.filter((count) => count === 0).length }).toEqual({
      duplicates: 0,
      foreign: 0,
      missing: 0,
    });
    // Competing consumers: both processes took part.
    for (const consumer of consumers) expect(consumer.handled.length).toBeGreaterThan(0);
  }, 180_000);
});
