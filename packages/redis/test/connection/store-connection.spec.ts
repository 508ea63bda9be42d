import { randomUUID } from 'node:crypto';
import { InvalidRedisUrlError, RedisDeadLetterStore, RedisDeduplicationStore } from '@smart-message/redis';
import { uniquePrefix } from '../support/redis-keys';

// The stores open their connection as the transports do: a url ioredis would read as a socket
// path, and retry forever, is refused at construction.
describe.each([
  ['RedisDeadLetterStore', (url: string) => new RedisDeadLetterStore({ url })],
  ['RedisDeduplicationStore', (url: string) => new RedisDeduplicationStore({ url })],
])('%s connection', (_name, create) => {
  it.each(['redis//typo', 'http://127.0.0.1:6379', 'redis://127.0.0.1:6379/zero'])(
    'refuses the url %s before connecting',
    (url) => {
      let thrown: unknown;
      try {
        create(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidRedisUrlError);
      expect(thrown).toMatchObject({ code: 'SM_REDIS_INVALID_URL', url });
    },
  );
});

describe('store connections at a valid url', () => {
  it('reach Redis', async () => {
    const url = 'redis://127.0.0.1:6379/0';
    const deadLetters = new RedisDeadLetterStore({ url, prefix: uniquePrefix('store-url') });
    const deduplication = new RedisDeduplicationStore({ url, prefix: uniquePrefix('store-url') });
    try {
      await expect(deadLetters.stats()).resolves.toMatchObject({ total: 0 });
      const check = await deduplication.begin({ handlerId: 'Probe.handle', uuid: randomUUID() });
      expect(check.status).toBe('new');
      if (check.status === 'new') await deduplication.release(check.mark);
    } finally {
      await Promise.all([deadLetters.close(), deduplication.close()]);
    }
  });
});
