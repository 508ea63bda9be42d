import { schemaOption } from './schema-name';

/** One schema change: applied once, in order, recorded in `<schema>.migrations`. */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  /** The statements, for the quoted schema name `s`. Each is idempotent, so the text may be applied twice. */
  sql(s: string): string;
}

/**
 * Additive only: a release adds a migration, it never edits one that shipped, so every instance
 * of a rolling deploy agrees on what version N is.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'messages, deliveries, subscriptions, dead letters',
    sql: (s) => `
-- One row per published message: the envelope's frame (header and payload), never updated.
CREATE TABLE IF NOT EXISTS ${s}.messages (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid text NOT NULL,
  message_class text NOT NULL,
  frame text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);

-- Which consumer groups (services) receive which message class; written by subscribe.
CREATE TABLE IF NOT EXISTS ${s}.subscriptions (
  message_class text NOT NULL,
  group_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_by text,
  PRIMARY KEY (message_class, group_name)
);

-- The work queue: one row per group per message, deleted when handled. visible_at is the due
-- time, the lease end and the retry time in one column. No foreign key to messages: the row is
-- inserted by the same statement as its message, and a consumer treats a missing message as a
-- broken row, not a crash.
CREATE TABLE IF NOT EXISTS ${s}.deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_seq bigint NOT NULL,
  group_name text NOT NULL,
  message_class text NOT NULL,
  priority integer NOT NULL DEFAULT 0,
  visible_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text
);
CREATE INDEX IF NOT EXISTS deliveries_claim_idx
  ON ${s}.deliveries (group_name, message_class, priority DESC, visible_at, id);

-- Deliveries the transport set aside (undecodable, poison), kept with the reason.
CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id bigint NOT NULL,
  message_seq bigint NOT NULL,
  group_name text NOT NULL,
  message_class text NOT NULL,
  reason text NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  lease_owner text,
  failed_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: 'operations: dead letter store, maintenance indexes',
    sql: (s) => `
-- PostgresDeadLetterStore: the bus's dead letter queue, one row per entry. id is compared
-- byte-wise (COLLATE "C"), as every other store orders ids. entry is the stored JSON text;
-- the other columns are what filters, order and bounds read without parsing it.
CREATE TABLE IF NOT EXISTS ${s}.dead_letter_store (
  id text COLLATE "C" PRIMARY KEY,
  reason text NOT NULL,
  message_class text,
  handler_id text,
  last_failed_ms bigint NOT NULL,
  bytes integer NOT NULL,
  entry text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dead_letter_store_order_idx ON ${s}.dead_letter_store (last_failed_ms, id);
-- One row: entries the store evicted, ever, shared by every instance.
CREATE TABLE IF NOT EXISTS ${s}.dead_letter_store_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  evicted bigint NOT NULL DEFAULT 0
);
INSERT INTO ${s}.dead_letter_store_state (singleton) VALUES (true) ON CONFLICT DO NOTHING;

-- Maintenance: which messages a delivery or dead letter still needs, and which dead letters are old.
CREATE INDEX IF NOT EXISTS deliveries_message_seq_idx ON ${s}.deliveries (message_seq);
CREATE INDEX IF NOT EXISTS dead_letters_message_seq_idx ON ${s}.dead_letters (message_seq);
CREATE INDEX IF NOT EXISTS dead_letters_failed_at_idx ON ${s}.dead_letters (failed_at);
CREATE INDEX IF NOT EXISTS messages_published_at_idx ON ${s}.messages (published_at);
`,
  },
  {
    version: 3,
    name: 'outbox, outbox dead letters, inbox, deduplication',
    sql: (s) => `
-- Messages written inside the caller's transaction for a transport that cannot be (Redis): the
-- relay publishes each after commit and deletes it. visible_at is the due time, the lease end and
-- the retry time in one column, as in deliveries.
CREATE TABLE IF NOT EXISTS ${s}.outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid text NOT NULL,
  destination text NOT NULL,
  message_class text NOT NULL,
  frame text NOT NULL,
  visible_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_relay_idx ON ${s}.outbox (visible_at, id);

-- Outbox rows the relay gave up on (undecodable, or maxAttempts publishes failed), kept whole with the reason.
CREATE TABLE IF NOT EXISTS ${s}.outbox_dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id bigint NOT NULL,
  uuid text NOT NULL,
  destination text NOT NULL,
  message_class text NOT NULL,
  frame text NOT NULL,
  reason text NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  lease_owner text,
  created_at timestamptz NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_dead_letters_failed_at_idx ON ${s}.outbox_dead_letters (failed_at);

-- Which message uuids each consumer (handler) processed, written in the handler's own
-- transaction before its work: exactly-once effects in this database. Maintenance prunes it after
-- its retention, which must outlast any redelivery or replay of the same message.
CREATE TABLE IF NOT EXISTS ${s}.inbox (
  consumer text NOT NULL,
  message_uuid text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_uuid)
);
CREATE INDEX IF NOT EXISTS inbox_processed_at_idx ON ${s}.inbox (processed_at);

-- PostgresDeduplicationStore: per handler and message key, an in-progress mark (token, a lease
-- until expires_at) or a processed record (kept until expires_at). Expired rows count as absent.
CREATE TABLE IF NOT EXISTS ${s}.deduplication (
  handler_id text NOT NULL,
  message_key text NOT NULL,
  token text,
  processed boolean NOT NULL DEFAULT false,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (handler_id, message_key)
);
CREATE INDEX IF NOT EXISTS deduplication_expires_at_idx ON ${s}.deduplication (expires_at);
`,
  },
  {
    version: 4,
    name: 'deliveries ordering key',
    sql: (s) => `
-- Deliveries published with an ordering key: a claim takes none while an older one (lower id) of
-- the same group and key is still in the table. Partial: unkeyed rows, the default, cost nothing.
ALTER TABLE ${s}.deliveries ADD COLUMN IF NOT EXISTS ordering_key text;
CREATE INDEX IF NOT EXISTS deliveries_ordering_idx
  ON ${s}.deliveries (group_name, ordering_key, id) WHERE ordering_key IS NOT NULL;
`,
  },
];

/** The newest schema version this package knows. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version;

/** The schema and the table that records applied versions: the first statements of every migration run. */
export function migrationsTableSql(s: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
`;
}

/** Records a version as applied; a second run of the same text changes nothing. */
export function recordMigrationSql(s: string, migration: PostgresMigration): string {
  const name = migration.name.replace(/'/g, "''");
  return `INSERT INTO ${s}.migrations (version, name) VALUES (${migration.version}, '${name}') ON CONFLICT (version) DO NOTHING;\n`;
}

/**
 * The whole schema as plain SQL, for a migration tool of your own (Flyway, Liquibase, node-pg-migrate,
 * Prisma's or TypeORM's raw migrations). Idempotent: applying it to a schema that already has
 * some or all of it changes nothing. Apply it in one transaction, then start the transport with
 * `migrate: false`.
 */
export function postgresMigrationSql(schema?: string): string {
  const { sql: s } = schemaOption(schema, 'postgresMigrationSql');
  return [
    migrationsTableSql(s),
    ...POSTGRES_MIGRATIONS.map((migration) => migration.sql(s) + recordMigrationSql(s, migration)),
  ].join('\n');
}
