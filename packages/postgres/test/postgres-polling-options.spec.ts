import { InvalidOptionError } from '@smart-message/nestjs';
import { PostgresTransport } from '@smart-message/postgres';

describe('PostgresTransport polling and LISTEN options', () => {
  it('refuses an idle poll faster than the poll while LISTEN is down, naming both', () => {
    const build = () => new PostgresTransport({ pollIntervalMs: 1000, idlePollIntervalMs: 500 });
    expect(build).toThrow(InvalidOptionError);
    expect(build).toThrow(/idlePollIntervalMs.*at least pollIntervalMs \(1000\)/);
  });

  it.each([
    ['listenHeartbeatMs', { listenHeartbeatMs: 0 }],
    ['listenHeartbeatTimeoutMs', { listenHeartbeatTimeoutMs: 1.5 }],
    ['idlePollIntervalMs', { idlePollIntervalMs: -1 }],
  ])('refuses %s when it is not a positive integer', (option, options) => {
    expect(() => new PostgresTransport(options)).toThrow(new RegExp(option));
  });

  it('accepts a slower idle poll and a LISTEN URL of its own without connecting', async () => {
    const transport = new PostgresTransport({
      pollIntervalMs: 100,
      idlePollIntervalMs: 10_000,
      listenConnectionString: 'postgres://postgres@127.0.0.1:5432/test',
    });
    await transport.close();
  });
});
