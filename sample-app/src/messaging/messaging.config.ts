import { DynamicModule } from '@nestjs/common';
import { SmartMessageModule, SmartMessageModuleOptions } from '@smart-message/nestjs';
import { withPinoLogging } from '@smart-message/pino';
import { PrometheusMessageObserver } from '@smart-message/prometheus';
import { PostgresOutbox } from '@smart-message/postgres';
import { deadLetterStoreFor } from '../dead-letters/dead-letter-store.config';
import { paymentEncryption } from './encryption.config';
import { sampleSecurity } from './signing.config';
import { metricsModule } from '../metrics/metrics.module';
import { MessagingSettings } from './messaging-settings';
import { tracingObservers } from './tracing.config';
import { BROADCAST_TRANSPORT, DURABLE_TRANSPORT } from './transport-names';

export function messagingOptions(settings: MessagingSettings, entity: string): SmartMessageModuleOptions {
  // Which transports: those of the mode SMART_MESSAGE_TRANSPORT names (its file under modes/).
  const transports = settings.transports();
  return {
    entity,
    transports,
    defaultTransport: DURABLE_TRANSPORT,
    observers: tracingObservers(process.env, transports),
    // Postgres mode: `publish(message, { transaction })` stores into the outbox in that transaction; its relay sends after commit.
    ...(settings.postgres
      ? {
          outbox: new PostgresOutbox({
            connectionString: settings.postgres.databaseUrl,
            schema: settings.postgres.schema,
            relay: settings.postgres.relay,
            pollIntervalMs: 500,
          }),
        }
      : {}),
    // Read at boot, so a test can point SMART_MESSAGE_DEAD_LETTERS at a file of its own.
    deadLetters: { store: deadLetterStoreFor(settings, process.env) },
    // Payment messages name `json+a256gcm`: their stage, with its keys read from a file.
    stages: [paymentEncryption(process.env)],
    // Every message is signed as its sender; receivers prove senders against the keys file.
    security: sampleSecurity(process.env, entity),
  };
}

/** The bus of one process: `entity` names it, and is its consumer group on the durable transport. */
export function messagingModule(settings: MessagingSettings, entity: string): DynamicModule {
  // The bus logs through the app's pino logger, and binds each handled message to its handler's log lines.
  return SmartMessageModule.forRootAsync(
    withPinoLogging({
      // The bus reports to Prometheus through its observer, served at GET /metrics.
      imports: [metricsModule],
      inject: [PrometheusMessageObserver],
      useFactory: (metrics: PrometheusMessageObserver) => {
        const options = messagingOptions(settings, entity);
        return { ...options, observers: [...(options.observers ?? []), metrics] };
      },
      transportNames: [DURABLE_TRANSPORT, BROADCAST_TRANSPORT],
    }),
  );
}
