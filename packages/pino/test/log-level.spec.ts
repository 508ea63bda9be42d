import { logLevelFromEnv } from '@smart-message/pino';

describe('logLevelFromEnv', () => {
  it('is silent under NODE_ENV=test unless LOG_LEVEL asks for more', () => {
    expect(logLevelFromEnv({ NODE_ENV: 'test' })).toBe('silent');
    expect(logLevelFromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'debug' })).toBe('debug');
  });

  it('falls back to info, or the given level, elsewhere', () => {
    expect(logLevelFromEnv({ NODE_ENV: 'production' })).toBe('info');
    expect(logLevelFromEnv({}, 'warn')).toBe('warn');
  });

  it("takes pino's level names and Nest's log and verbose, in any case", () => {
    expect(logLevelFromEnv({ LOG_LEVEL: 'WARN' })).toBe('warn');
    expect(logLevelFromEnv({ LOG_LEVEL: 'log' })).toBe('info');
    expect(logLevelFromEnv({ LOG_LEVEL: 'verbose' })).toBe('trace');
    expect(logLevelFromEnv({ LOG_LEVEL: 'silent' })).toBe('silent');
  });

  it('refuses a level it does not know, naming the ones it does', () => {
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of trace, debug.*got "loud"/);
  });
});
