import type { MessageDeduplicationOptions } from '../deduplication/deduplicate-options.interface';
import type { RetryOptions } from '../reliability/retry/retry-options.interface';

/** Options of `@Message()`: the routing name, schema version and header defaults of a message type. */
export interface MessageOptions {
  /**
   * Routing key on every transport. Defaults to the class name, which a minifier renames:
   * set it explicitly in code that is minified.
   */
  name?: string;
  /** Schema version, a positive integer (default 1). Handlers only receive their class's version. */
  version?: number;
  /** Default sender entity; a publish option or the module's `entity` takes over when absent. */
  from?: string;
  /** Default recipient entity; absent means broadcast. */
  to?: string;
  /** Default entity that replies go to; replies go to `from` when absent. */
  replyTo?: string;
  description?: string;
  /** Name of the configured transport this type travels on (the module's default otherwise). */
  transport?: string;
  /** Name of the payload serializer (default `json`). */
  serializer?: string;
  /** How handlers of this type retry, unless `@Retry()` on the handler says otherwise. */
  retry?: RetryOptions;
  /** How many processed uuids handlers of this type remember, where they deduplicate. */
  deduplication?: MessageDeduplicationOptions;
}
