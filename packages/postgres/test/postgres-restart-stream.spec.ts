import { PostgresTransport } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { freePortSync, OwnPostgresServer } from './support/own-postgres-server';
import { recordingLogger } from './support/recording-logger';

// Restarts the server, so it runs on a cluster of this file's own, never on the shared one.
const server = OwnPostgresServer.start(freePortSync());
const PUBLISHERS = 4;
const CONCURRENCY = 10;
const RESTARTS = 2;
/** Publishes acknowledged before the first restart, between the restarts, and after the last. */
const BETWEEN = 200;

if (server instanceof OwnPostgresServer) {
  afterAll(async () => {
    await server.stop();
  });

  describe('PostgresTransport while its server restarts', () => {
    it('delivers every acknowledged publish of a continuous stream across two restarts, duplicates bounded by what was in flight', async () => {
      const messageClass = `Restarted_${Date.now()}`;
      const consumerLog = recordingLogger();
      const consumer = new PostgresTransport({
        connectionString: server.url,
        consumerName: 'restart-consumer',
        pollIntervalMs: 50,
        leaseMs: 1000,
        publishTimeoutMs: 30_000,
        logger: consumerLog.logger,
      });
      const publisher = new PostgresTransport({
        connectionString: server.url,
        publishTimeoutMs: 30_000,
        logger: recordingLogger().logger,
      });
      const deliveries = new Map<number, number>();
      const acknowledged = new Set<number>();
      const failed: unknown[] = [];
      let next = 0;
      let streaming = true;
      try {
        await consumer.subscribe(
          messageClass,
          async (envelope) => {
            const sequence = sequenceOf(envelope);
            deliveries.set(sequence, (deliveries.get(sequence) ?? 0) + 1);
          },
          { concurrency: CONCURRENCY, group: 'workers' },
        );
        await publisher.start();
        // Each publisher sends the next number as soon as its previous publish resolved.
        const publishing = Array.from({ length: PUBLISHERS }, async () => {
          while (streaming) {
            const sequence = next++;
            try {
              await publisher.publish(envelopeOf(messageClass, sequence));
              acknowledged.add(sequence);
            } catch (error) {
              failed.push(error);
            }
          }
        });
        for (let restart = 0; restart <= RESTARTS; restart++) {
          const at = acknowledged.size + BETWEEN;
          await waitFor(
            () => acknowledged.size >= at,
            () => `${at} publishes (${acknowledged.size})`,
            {
              timeoutMs: 30_000,
            },
          );
          // The stream goes on while the server stops and starts: publishes wait for it.
          if (restart === RESTARTS) break;
          await server.restart();
          // Two separate outages: the next restart comes once LISTEN is back from this one.
          await waitFor(async () => (await consumer.health(2000)).details?.listen === true, 'LISTEN to be back', {
            timeoutMs: 15_000,
          });
        }
        streaming = false;
        await Promise.all(publishing);
        await waitFor(
          () => [...acknowledged].every((sequence) => deliveries.has(sequence)),
          () => `every acknowledged publish delivered (${deliveries.size} of ${acknowledged.size})`,
          { timeoutMs: 30_000 },
        );
        await waitFor(async () => (await consumer.health(2000)).details?.listen === true, 'LISTEN to be back');
      } finally {
        await consumer.close();
        await publisher.close();
      }
      expect(failed).toEqual([]);
      expect(acknowledged.size).toBe(next);
      expect([...deliveries.keys()].filter((sequence) => !acknowledged.has(sequence))).toEqual([]);
      // At-least-once: a redelivery is a row whose ack was lost in a restart (at most the
      // consumer's held rows and the ack batch being written), or a publish whose commit reached
      // the server before its answer was lost (at most one per publisher).
      const duplicates = [...deliveries.values()].reduce((sum, count) => sum + count - 1, 0);
      expect(duplicates).toBeLessThanOrEqual(RESTARTS * (2 * CONCURRENCY + PUBLISHERS));
      // One warning per outage from the consumer's claim loop and from LISTEN, not one per retry.
      const warnings = consumerLog.lines.filter((line) => line.level === 'warn').map((line) => line.message);
      // Both restarts happened under the consumer: LISTEN was lost and came back each time.
      expect(warnings.filter((message) => message.includes('LISTEN'))).toHaveLength(RESTARTS);
      expect(consumerLog.lines.filter((line) => line.message === 'PostgreSQL LISTEN is back')).toHaveLength(RESTARTS);
      expect(warnings.filter((message) => message.includes('could not claim')).length).toBeLessThanOrEqual(RESTARTS);
    }, 120_000);
  });
} else {
  describe('PostgresTransport while its server restarts', () => {
    it('starts a PostgreSQL server of its own for the restart case', () => {
      throw new Error(
        `cannot start a PostgreSQL server on a free port (${server.unavailable}): install the server binaries (apt-get install postgresql)`,
      );
    });
  });
}
