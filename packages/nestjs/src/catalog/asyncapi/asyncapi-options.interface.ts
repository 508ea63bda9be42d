import { AsyncApiContact, AsyncApiLicense, AsyncApiServer } from './asyncapi-document.interface';

/** Options of `MessageCatalog.toAsyncApi()`: what the decorators cannot know. */
export interface AsyncApiOptions {
  /** `info.title` (default: the bus's `entity`, else `SmartMessage`). */
  title?: string;
  /** `info.version`: the version of this service's message API (default `1.0.0`). */
  version?: string;
  /** `info.description` (default: a sentence naming the entity). */
  description?: string;
  /** `id`: a URI naming the application, e.g. `urn:example:orders`. */
  id?: string;
  contact?: AsyncApiContact;
  license?: AsyncApiLicense;
  /**
   * The broker behind each transport, by transport name, e.g.
   * `{ durable: { host: 'redis.internal:6379', protocol: 'redis' } }`. Channels of a transport
   * named here list its server; the bus itself never sees hosts (a URL may hold a password).
   */
  servers?: Record<string, AsyncApiServer>;
}
