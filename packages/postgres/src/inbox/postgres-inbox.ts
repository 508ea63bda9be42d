import { InvalidOptionError } from '@smart-message/nestjs';
import { schemaOption } from '../schema/schema-name';
import { resolveTransaction } from '../transaction/resolve-transaction';
import { runInTransaction } from '../transaction/run-in-transaction';

const OWNER = 'PostgresInbox';
/** Longest consumer name or uuid stored: a hostile header cannot make the key unbounded. */
const MAX_KEY_CHARS = 200;

/** Options of `PostgresInbox`. */
export interface PostgresInboxOptions {
  /** Schema of the `inbox` table (created by PostgresTransport's or PostgresOutbox's migrations). Default `smartmessage`. */
  schema?: string;
}

/** The message being handled, as the inbox needs it: a handler's `MessageContext` has both. */
export interface InboxMessage {
  /** `ClassName.methodName` of the `@Subscribe` handler: the default consumer. */
  readonly handlerId: string;
  readonly header: { readonly uuid: string };
}

/**
 * Exactly-once effects for handlers whose work is writes to this PostgreSQL database. Inside
 * the handler's own transaction, `processInTransaction` first records (consumer, uuid) in
 * `<schema>.inbox`, and runs the work only if that row is new: the record and the effects commit
 * or roll back together, so a redelivered message (the transports and the outbox relay are
 * at-least-once) finds its row and is skipped. A second delivery racing the first waits for it
 * on the row's key, then skips (first committed) or runs (first rolled back). Effects outside
 * the database (an e-mail, an HTTP call) stay at-least-once.
 */
export class PostgresInbox {
  private readonly insert: string;

  constructor(options: PostgresInboxOptions = {}) {
    const { sql: s } = schemaOption(options.schema, OWNER);
    this.insert = `INSERT INTO ${s}.inbox (consumer, message_uuid) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS inserted`;
  }

  /**
   * Records `message` as processed by its handler (or by `options.consumer`) through
   * `transaction`, and runs `work` only when it was not processed before. Resolves whether the
   * work ran. Commit or roll back `transaction` yourself, after this resolves or rejects: a
   * rejected `work` must be rolled back, so the redelivery runs it again.
   */
  async processInTransaction(
    transaction: object,
    message: InboxMessage,
    work: () => Promise<void> | void,
    options: { consumer?: string } = {},
  ): Promise<boolean> {
    const consumer = options.consumer ?? message.handlerId;
    if (typeof consumer !== 'string' || consumer.length === 0 || consumer.length > MAX_KEY_CHARS)
      throw new InvalidOptionError(OWNER, 'consumer', consumer, `a string of 1 to ${MAX_KEY_CHARS} characters`);
    const uuid = message.header.uuid;
    if (typeof uuid !== 'string' || uuid.length === 0 || uuid.length > MAX_KEY_CHARS)
      throw new InvalidOptionError(OWNER, 'message uuid', uuid, `a string of 1 to ${MAX_KEY_CHARS} characters`);
    const rows = await runInTransaction(resolveTransaction(transaction), this.insert, [consumer, uuid]);
    if (rows.length === 0) return false;
    await work();
    return true;
  }
}
