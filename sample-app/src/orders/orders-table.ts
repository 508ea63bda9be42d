import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { readMessagingSettings } from '../messaging/messaging-settings';
import { OrderPlaced } from './messages/order-placed.message';

/**
 * The orders database of postgres mode (`SMART_MESSAGE_TRANSPORT=postgres`): an `orders` table
 * in `SMART_MESSAGE_SCHEMA`, written in the same transaction as the `OrderPlaced` it announces.
 * In the other modes there is none, and orders live in memory only.
 */
@Injectable()
export class OrdersTable implements OnModuleInit, OnModuleDestroy {
  private readonly pool?: Pool;
  private readonly table?: string;

  constructor() {
    const { postgres } = readMessagingSettings(process.env);
    if (!postgres) return;
    this.pool = new Pool({ connectionString: postgres.databaseUrl, application_name: 'sample-shop-orders' });
    this.pool.on('error', () => undefined);
    this.table = `"${postgres.schema}".orders`;
  }

  /** Whether orders are written to PostgreSQL. */
  get enabled(): boolean {
    return this.pool !== undefined;
  }

  async onModuleInit(): Promise<void> {
    if (!this.pool || !this.table) return;
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.table.split('.')[0]}`);
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
        order_id uuid PRIMARY KEY,
        sku text NOT NULL,
        quantity integer NOT NULL,
        total_cents integer NOT NULL,
        customer_email text NOT NULL,
        placed_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.end();
  }

  /**
   * Inserts the order and runs `announce` (the transactional publish of its `OrderPlaced`) in one
   * transaction: both commit, or neither does.
   */
  async insert(order: OrderPlaced, announce: (transaction: PoolClient) => Promise<unknown>): Promise<void> {
    if (!this.pool || !this.table) throw new Error('Orders are not kept in PostgreSQL in this mode');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${this.table} (order_id, sku, quantity, total_cents, customer_email) VALUES ($1, $2, $3, $4, $5)`,
        [order.orderId, order.sku, order.quantity, order.totalCents, order.customerEmail],
      );
      await announce(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
