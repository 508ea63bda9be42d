import type { RecipientKeySet } from './recipient-key-entry.interface';

/**
 * Where the `x25519` stage gets its keys. `load` runs when the stage is built and on
 * `MessageBus.security.reload()`; synchronous, like `KeyProvider`, for the same reason.
 */
export interface RecipientKeyProvider {
  /** Where the keys come from, for error messages (e.g. `file /etc/app/recipient-keys.json`). */
  readonly source: string;
  load(): RecipientKeySet;
}
