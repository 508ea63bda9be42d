import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DeliveryInfo } from '@smart-message/nestjs/transport-kit';
import { PostgresTransport } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { envelopeOf } from './support/envelopes';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const ROOT = join(__dirname, '../../..');
const schema = randomSchema();
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

afterAll(async () => {
  await dropSchema(schema);
});

describe('PostgresTransport when a consumer process dies', () => {
  // 60 s: a ts-node child starts slowly on a loaded machine; the waits inside bound each step.
  it('delivers the rows a SIGKILLed consumer had claimed to another instance once the lease ended, with attempt 2', async () => {
    const messageClass = `Crashed_${Date.now()}`;
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'fixtures/claiming-consumer.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          TS_NODE_SWC: 'true',
          DATABASE_URL: TEST_DATABASE_URL,
          SCHEMA: schema,
          // Long enough that a slow, loaded machine cannot let the child claim the row again before it is killed.
          LEASE_MS: '3000',
          MESSAGE_CLASS: messageClass,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const events: { event: string; attempt?: number; uuid?: string }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(
        () => events.some((e) => e.event === 'subscribed'),
        () => `the child to subscribe (${stderr})`,
        {
          timeoutMs: 20_000,
        },
      );
      const publisher = new PostgresTransport({ connectionString: TEST_DATABASE_URL, schema, logger: silent });
      await publisher.start();
      const envelope = envelopeOf(messageClass, 1);
      await publisher.publish(envelope);
      await publisher.close();
      await waitFor(() => events.some((e) => e.event === 'claimed'), 'the child to claim the message');
      expect(events.find((e) => e.event === 'claimed')).toMatchObject({ uuid: envelope.header.uuid, attempt: 1 });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(
      await sql(`SELECT lease_owner, attempts FROM "${schema}".deliveries WHERE message_class = $1`, [messageClass]),
    ).toEqual([{ lease_owner: 'doomed', attempts: 1 }]);

    const survivor = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      schema,
      pollIntervalMs: 50,
      consumerName: 'survivor',
      logger: silent,
    });
    const deliveries: DeliveryInfo[] = [];
    try {
      await survivor.subscribe(messageClass, async (_envelope, delivery) => void deliveries.push(delivery), {
        concurrency: 1,
        group: 'workers',
      });
      await waitFor(() => deliveries.length === 1, 'the survivor to get the message after the lease', {
        timeoutMs: 10_000,
      });
      expect(deliveries[0]).toEqual({ attempt: 2, redelivers: true });
    } finally {
      await survivor.close();
    }
    expect(await sql(`SELECT 1 FROM "${schema}".deliveries WHERE message_class = $1`, [messageClass])).toEqual([]);
  }, 60_000);
});
