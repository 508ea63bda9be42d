import { InvalidRedisUrlError } from '../errors/invalid-redis-url.error';

/**
 * Refuses a `url` ioredis would take for something else: ioredis reads an unparsable or
 * non-redis URL as a Unix socket path (`redis//typo` becomes `//typo`) and retries it forever.
 */
export function assertRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidRedisUrlError(url, 'it is not a URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new InvalidRedisUrlError(url, `the scheme is ${parsed.protocol.replace(/:$/, '')}, not redis or rediss`);
  if (!parsed.hostname) throw new InvalidRedisUrlError(url, 'it names no host');
  const database = parsed.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d+$/.test(database))
    throw new InvalidRedisUrlError(url, `the database "${database}" is not a number`);
}
