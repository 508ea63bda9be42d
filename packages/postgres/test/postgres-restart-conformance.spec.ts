import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { PostgresTransport } from '@smart-message/postgres';
import { freePortSync, OwnPostgresServer } from './support/own-postgres-server';

// The durable cases restart the server, so they run on a cluster of this file's own, never on
// the shared one. Without the server binaries the file fails, saying what to install.
const server = OwnPostgresServer.start(freePortSync());
const applicationName = `smart-message-restart-${randomBytes(4).toString('hex')}`;
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

if (server instanceof OwnPostgresServer) {
  afterAll(async () => {
    await server.stop();
  });

  const broker: ConformanceBrokerControl = {
    async dropConnections() {
      const admin = new Client({ connectionString: server.url });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          applicationName,
        ]);
      } finally {
        await admin.end();
      }
    },
    restart: () => server.restart(),
  };

  describeTransportConformance('PostgresTransport on a server of its own', {
    createTransport: async () => {
      const transport = new PostgresTransport({
        connectionString: server.url,
        applicationName,
        pollIntervalMs: 50,
        retryBackoff: { baseMs: 10, maxMs: 50 },
        logger: silent,
      });
      await transport.start();
      return transport;
    },
    deliveryTimeoutMs: 15_000,
    broker,
    features: { durable: true },
  });
} else {
  // Fails, as the Redis fault tests do without redis-server: a skipped restart case would hide it.
  describe('PostgresTransport on a server of its own', () => {
    it('starts a PostgreSQL server of its own for the restart cases', () => {
      throw new Error(
        `cannot start a PostgreSQL server on a free port (${server.unavailable}): install the server binaries (apt-get install postgresql)`,
      );
    });
  });
}
