import { Redis } from 'ioredis';
import { RedisPubSubTransport } from '@smart-message/redis';

// jest.config.ts runs the Redis suites once per supported ioredis major; this proves the
// mapping really loads the one its project names, both here and inside the package.
declare const expectedIoredisMajor: number;

describe('ioredis under test', () => {
  it('is the major version this jest project runs against', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require('ioredis/package.json') as { version: string };
    expect(Number(version.split('.')[0])).toBe(expectedIoredisMajor);
  });

  it('is the ioredis the package opens its connections with', async () => {
    const transport = new RedisPubSubTransport({ prefix: `test:ioredis-version:${process.pid}:` });
    try {
      await transport.start();
      const opened = (transport as unknown as { publisherClient: unknown }).publisherClient;
      expect(opened).toBeInstanceOf(Redis);
    } finally {
      await transport.close();
    }
  });
});
