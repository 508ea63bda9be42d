import { Pool } from 'pg';
import { PostgresTransport } from '@smart-message/postgres';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { Contender, ContenderSettings, ReceiveListener } from '../redis/contender';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { SmartMessageContender } from '../redis/contenders/smart-message.contender';
import { postgresUrlOf } from './postgres-url';

/**
 * Our Postgres transport with every publish inside a transaction of the caller's: BEGIN on a
 * pooled client, `bus.publish(order, { transaction: client })`, COMMIT. What the outbox costs
 * beside a publish of its own (the savepoint and the two extra round trips).
 */
export class TransactionalPublishContender implements Contender {
  private readonly inner: SmartMessageContender;
  private readonly pool: Pool;

  constructor(settings: ContenderSettings, prefetch: number) {
    const url = postgresUrlOf(settings);
    this.pool = new Pool({ connectionString: url, max: 10 });
    this.inner = new SmartMessageContender(
      new PostgresTransport({ connectionString: url, schema: settings.prefix, prefetch, logger: quietLogger }),
    );
  }

  start(onReceived: ReceiveListener): Promise<void> {
    return this.inner.start(onReceived);
  }

  async publish(order: BenchOrderPlaced): Promise<unknown> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await this.inner.publish(order, { transaction: client });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return undefined;
  }

  async stop(): Promise<void> {
    await this.inner.stop();
    await this.pool.end();
  }
}
