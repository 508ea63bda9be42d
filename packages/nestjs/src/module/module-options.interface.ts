import { MessageBusOptions } from '../bus/message-bus-options.interface';
import type { DeadLettersOptions } from '../dead-letters/dead-letters-options.interface';
import type { DeduplicationModuleOptions } from '../deduplication/deduplicate-options.interface';
import type { CircuitBreakerOptions } from '../reliability/circuit-breaker/circuit-breaker-options.interface';
import type { RetryOptions } from '../reliability/retry/retry-options.interface';
import { MessageEnhancers } from './message-enhancers.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';

/** Options of `SmartMessageModule.forRoot()`, or what `forRootAsync()`'s factory returns. */
export interface SmartMessageModuleOptions extends Omit<MessageBusOptions, 'logger'> {
  /** Where the library logs (default: Nest's `Logger` with context `SmartMessage`); `false` silences it. */
  logger?: MessageLogger | false;
  /**
   * With the default logger, also write the message trace: debug lines for each message's way
   * through the bus (published, received, filtered out, handler started and finished). Default
   * false: a plain app logs nothing per message. A `logger` of your own decides for itself
   * (`isDebugEnabled()`; `@smart-message/pino` follows pino's level).
   */
  traceMessages?: boolean;
  /** Guards, interceptors, pipes and filters for every message handler. */
  enhancers?: MessageEnhancers;
  /**
   * Also run the application's global enhancers (`app.useGlobal*()`, `APP_GUARD`…) on message
   * handlers (default false: those are usually written for HTTP requests).
   */
  applyAppEnhancers?: boolean;
  /** Skip messages a handler already processed (per handler, by uuid): every handler, or those with `@Deduplicate()`. */
  deduplication?: DeduplicationModuleOptions;
  /** Retry policy of every handler that has none of its own (`@Retry()`, `@Message({ retry })`). */
  retry?: RetryOptions;
  /** Circuit breaker of every handler that has none of its own (`@CircuitBreaker()`). */
  circuitBreaker?: CircuitBreakerOptions;
  /**
   * Where messages no handler handled are kept (`DeadLetterQueue`, injectable). Default: a JSON
   * Lines file at `.smart-message/<entity>.dead-letters.jsonl` under the working directory (its
   * absolute path is logged at startup); `false` keeps none.
   */
  deadLetters?: DeadLettersOptions | false;
}

/** Options that shape the module itself rather than the bus. */
export interface SmartMessageModuleExtras {
  /** Register the module globally (default true). */
  isGlobal?: boolean;
  /**
   * Transport names to make injectable with `@InjectTransport()`. `forRoot()` takes them from
   * `transports`; `forRootAsync()` cannot see its factory's result in advance and needs them listed.
   */
  transportNames?: string[];
}
