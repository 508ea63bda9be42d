import { Client, Pool } from 'pg';
import { BenchOrderPlaced, ReceivedOrder } from '../redis/bench-order.message';
import { Contender, ContenderSettings, ReceiveListener } from '../redis/contender';
import { postgresUrlOf } from './postgres-url';

const LEASE = "interval '30 seconds'";
/** How long the loop sleeps on an empty claim when no notification comes. */
const IDLE_WAIT_MS = 1000;

/**
 * A hand-written PostgreSQL queue as a team would write one: a jobs table, INSERT plus
 * pg_notify to publish, and one consumer loop that claims up to `batch` due rows with
 * `FOR UPDATE SKIP LOCKED` (moving them out by a lease, so a crash redelivers), handles them, and
 * deletes them with one statement it does not wait for. Claims again at once after a full batch,
 * otherwise waits for a notification (or a second).
 */
export class RawSkipLockedContender implements Contender {
  private readonly schema: string;
  private readonly pool: Pool;
  private readonly listener: Client;
  private readonly channel: string;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake?: () => void;

  constructor(
    settings: ContenderSettings,
    private readonly batch: number,
  ) {
    const url = postgresUrlOf(settings);
    this.schema = settings.prefix.toLowerCase();
    this.channel = `${this.schema}wake`;
    this.pool = new Pool({ connectionString: url, max: 10 });
    this.listener = new Client({ connectionString: url });
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
    await this.pool.query(
      `CREATE TABLE ${this.schema}.jobs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ` +
        'visible_at timestamptz NOT NULL DEFAULT now(), attempts integer NOT NULL DEFAULT 0, payload text NOT NULL)',
    );
    await this.pool.query(`CREATE INDEX ON ${this.schema}.jobs (visible_at, id)`);
    await this.listener.connect();
    this.listener.on('notification', () => this.wake?.());
    await this.listener.query(`LISTEN ${this.channel}`);
    this.running = true;
    this.loop = this.consume(onReceived);
  }

  publish(order: BenchOrderPlaced): Promise<unknown> {
    return this.pool.query(
      `WITH job AS (INSERT INTO ${this.schema}.jobs (payload) VALUES ($1) RETURNING id) SELECT pg_notify($2, '') FROM job`,
      [JSON.stringify(order), this.channel],
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener.end();
    await this.pool.end();
  }

  private async consume(onReceived: ReceiveListener): Promise<void> {
    const claim =
      `UPDATE ${this.schema}.jobs AS job SET visible_at = now() + ${LEASE}, attempts = job.attempts + 1 ` +
      `FROM (SELECT id FROM ${this.schema}.jobs WHERE visible_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) AS due ` +
      'WHERE job.id = due.id RETURNING job.id, job.payload';
    const remove = `DELETE FROM ${this.schema}.jobs WHERE id = ANY($1::bigint[])`;
    while (this.running) {
      // Armed before the claim: a notification that arrives while it runs is not missed.
      const notified = new Promise<void>((resolve) => (this.wake = resolve));
      const { rows } = await this.pool.query<{ id: string; payload: string }>(claim, [this.batch]);
      const ids: string[] = [];
      for (const row of rows) {
        const order = JSON.parse(row.payload) as ReceivedOrder;
        onReceived(order.seq, order.sentAt);
        ids.push(row.id);
      }
      if (ids.length > 0) this.pool.query(remove, [ids]).catch(() => undefined);
      if (rows.length < this.batch) await Promise.race([notified, sleep(IDLE_WAIT_MS)]);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
