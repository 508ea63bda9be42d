import { randomBytes } from 'node:crypto';
import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { PostgresTransport } from '@smart-message/postgres';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

// One schema for the file, dropped at the end; each test's message classes are new names.
const schema = randomSchema();
// The broker-failure case terminates exactly this file's connections, never anyone else's.
const applicationName = `smart-message-conformance-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await dropSchema(schema);
});

const broker: ConformanceBrokerControl = {
  async dropConnections() {
    await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  },
  // Only the `durable` restart case calls it, and it is not declared: the shared server is never stopped.
  restart: () => Promise.reject(new Error('restarting the shared PostgreSQL server is not allowed')),
};

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describeTransportConformance('PostgresTransport', {
  createTransport: async () => {
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      schema,
      applicationName,
      pollIntervalMs: 50,
      leaseMs: 30_000,
      retryBackoff: { baseMs: 10, maxMs: 50 },
      logger: silent,
    });
    await transport.start();
    return transport;
  },
  deliveryTimeoutMs: 10_000,
  broker,
});
