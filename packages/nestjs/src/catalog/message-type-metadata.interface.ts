import type { MessageDeduplicationOptions } from '../deduplication/deduplicate-options.interface';
import type { RetryOptions } from '../reliability/retry/retry-options.interface';
import { MessageType } from '../interfaces/message-type.interface';
import type { ReceivePolicy } from '../security/receive/receive-policy.interface';
import type { VersionPlan } from '../versioning/version-plan';
import type { DowncastPlan } from '../versioning/downcast-plan';

/** What `@Message()` records about a class, with defaults applied. */
export interface MessageTypeMetadata {
  readonly target: MessageType;
  readonly name: string;
  readonly version: number;
  /** Which received versions the class reads, and the composed upcast chain. */
  readonly versions: VersionPlan;
  /** The versions the class can also be published as (`downcast`); absent without downcasters. */
  readonly downcasts?: DowncastPlan;
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
  /** Sign messages of the class (default: the module's `security.signAll`). */
  readonly sign?: boolean;
  /** What receivers require of messages of the class. */
  readonly receive?: ReceivePolicy;
  readonly retry?: RetryOptions;
  readonly deduplication?: MessageDeduplicationOptions;
  /** The class's default ordering key of a message (`@Message({ orderingKey })`). */
  orderingKey?(message: object): string | undefined;
}
