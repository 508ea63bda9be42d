import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsString } from 'class-validator';
import { Client } from 'pg';
import { Message, Subscribe } from '@smart-message/nestjs';
import { PostgresTransport } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { bootHealthApp, HealthApp, silentLogger } from './support/boot-health-app';

const DATABASE_URL = process.env.SMART_MESSAGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sm_test_${randomBytes(6).toString('hex')}`;

@Message({ name: 'PostgresHealthJob', from: 'tests' })
class PostgresHealthJob {
  @IsString() id!: string;
}

/** Holds every job until released. */
@Injectable()
class HeldWorker {
  readonly started: string[] = [];
  private releaseHeld: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.releaseHeld = resolve));

  @Subscribe({ concurrency: 1 })
  async onJob(job: PostgresHealthJob): Promise<void> {
    this.started.push(job.id);
    await this.held;
  }

  release(): void {
    this.releaseHeld();
  }
}

async function sql(text: string, params: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

describe('SmartMessageHealthIndicator over PostgreSQL', () => {
  let running: HealthApp | undefined;

  afterEach(async () => {
    running?.app.get(HeldWorker).release();
    await running?.app.close();
    running = undefined;
  });

  afterAll(async () => {
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it("goes down when the service's oldest due job waited longer than maxOldestDueAgeMs, and names it", async () => {
    const transport = new PostgresTransport({
      connectionString: DATABASE_URL,
      schema,
      pollIntervalMs: 50,
      logger: silentLogger,
      maintenance: false,
    });
    running = await bootHealthApp({ entity: 'health-tests', transports: { postgres: transport } }, [HeldWorker]);
    const { app, bus, health } = running;
    for (const id of ['first', 'second']) await bus.publish(Object.assign(new PostgresHealthJob(), { id }));
    await waitFor(() => app.get(HeldWorker).started.length === 1, 'the first job in the handler');
    // The second waits behind it; pretend it has for five minutes.
    await sql(`UPDATE "${schema}".deliveries SET visible_at = now() - interval '5 minutes' WHERE lease_owner IS NULL`);

    const relaxed = await health.transports('postgres', { maxOldestDueAgeMs: 3_600_000, maxLag: 5 });
    expect(relaxed.postgres.status).toBe('up');
    expect(relaxed.postgres.transports.postgres.groups).toEqual({
      'health-tests': { PostgresHealthJob: { ready: 1, delayed: 0, leased: 1, oldestDueAgeMs: expect.any(Number) } },
    });

    const strict = await health.transports('postgres', { maxOldestDueAgeMs: 60_000 });
    expect(strict.postgres.status).toBe('down');
    expect(strict.postgres.transports.postgres.problems).toEqual([
      expect.stringMatching(/^PostgresHealthJob \(health-tests\): oldest due \d+ ms ago, above 60000 ms$/),
    ]);
  });
});
