import { KeyEntry } from './key-entry.interface';
import { KeyProvider } from './key-provider.interface';

/** Options of the `a256gcm` stage (`aes256gcm(options)`). */
export interface Aes256GcmOptions {
  /**
   * The keyring: a provider (`fileKeyProvider(path)`, `envKeyProvider()`) or the entries
   * themselves. Read and checked once, when the stage is built.
   */
  keys: KeyProvider | readonly KeyEntry[];
}
