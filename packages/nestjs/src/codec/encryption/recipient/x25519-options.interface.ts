import type { RecipientKeySet } from './recipient-key-entry.interface';
import type { RecipientKeyProvider } from './recipient-key-provider.interface';

/** Options of the `x25519` stage (`x25519Recipient(options)`). */
export interface X25519RecipientOptions {
  /** A provider (`fileRecipientKeyProvider(path)`) or the keys themselves; checked when the stage is built. */
  keys: RecipientKeyProvider | RecipientKeySet;
}
