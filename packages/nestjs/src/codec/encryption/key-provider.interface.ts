import { KeyEntry } from './key-entry.interface';

/**
 * Where an encryption stage gets its keys. `load` runs once, when the stage is built, so a bad
 * key stops the application at startup rather than at the first message. It is synchronous
 * because stages are: keys that come from a remote store are fetched before (in the factory of
 * `SmartMessageModule.forRootAsync`) and handed over as an array.
 */
export interface KeyProvider {
  /** Where the keys come from, for error messages (e.g. `file /etc/app/keys.json`). */
  readonly source: string;
  load(): readonly KeyEntry[];
}
