import type { MessageDeduplicationOptions } from '../deduplication/deduplicate-options.interface';
import type { RetryOptions } from '../reliability/retry/retry-options.interface';
import { MessageType } from '../interfaces/message-type.interface';

/** What `@Message()` records about a class, with defaults applied. */
export interface MessageTypeMetadata {
  readonly target: MessageType;
  readonly name: string;
  readonly version: number;
  readonly from?: string;
  readonly to?: string;
  readonly replyTo?: string;
  readonly description?: string;
  readonly transport?: string;
  /** The class's serializer chain; absent: the module's default (`json` unless configured). */
  readonly serializer?: string;
  /** Further chains receivers accept for the class. */
  readonly acceptSerializers?: readonly string[];
  readonly compressBeforeEncryption?: boolean;
  readonly retry?: RetryOptions;
  readonly deduplication?: MessageDeduplicationOptions;
}
