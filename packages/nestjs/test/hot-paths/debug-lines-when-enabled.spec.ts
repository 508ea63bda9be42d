import { MessageLogger } from '@smart-message/nestjs';
import { ResultMode, runHandlerScenario } from './support/handler-scenario';

/**
 * Shortcut: a logger that says debug is off (`isDebugEnabled()` false) costs no debug line's
 * fields (util/debug-logging.ts, on publish, receipt, filtering and each handler's start and
 * end). Its twin is a logger without `isDebugEnabled` whose `debug` drops every line: the bus
 * builds each line then, and nothing else may differ. With debug on, both write the same lines.
 */

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Written {
  logger: MessageLogger;
  lines: string[];
}

function logger(options: { debug: 'none' | 'drop' | 'write'; isDebugEnabled?: boolean }): Written {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    // Uuids differ from run to run; the rest of a line must not.
    void lines.push(`${level} ${message.replace(UUIDS, '<uuid>')} ${JSON.stringify(Object.keys(fields ?? {}).sort())}`);
  const written: MessageLogger = { log: write('log'), warn: write('warn'), error: write('error') };
  if (options.debug === 'drop') written.debug = () => undefined;
  if (options.debug === 'write') written.debug = write('debug');
  if (options.isDebugEnabled !== undefined) {
    const enabled = options.isDebugEnabled;
    written.isDebugEnabled = () => enabled;
  }
  return { logger: written, lines };
}

describe('hot path: debug lines built only when they are written', () => {
  it.each<ResultMode>(['sync', 'promise'])(
    'with debug off, ends as with a logger that builds each line and drops it (%s handlers)',
    async (mode) => {
      const checked = logger({ debug: 'write', isDebugEnabled: false });
      const dropping = logger({ debug: 'drop' });

      const shortcut = await runHandlerScenario(mode, { logger: checked.logger });
      const twin = await runHandlerScenario(mode, { logger: dropping.logger });

      expect(shortcut).toEqual(twin);
      expect(checked.lines).toEqual(dropping.lines);
      expect(checked.lines.some((line) => line.startsWith('debug'))).toBe(false);
      expect(checked.lines.some((line) => line.startsWith('warn') || line.startsWith('error'))).toBe(true);
    },
  );

  it('with debug on, writes the lines a logger without isDebugEnabled gets', async () => {
    const enabled = logger({ debug: 'write', isDebugEnabled: true });
    const unchecked = logger({ debug: 'write' });

    expect(await runHandlerScenario('sync', { logger: enabled.logger })).toEqual(
      await runHandlerScenario('sync', { logger: unchecked.logger }),
    );

    expect(enabled.lines).toEqual(unchecked.lines);
    expect(enabled.lines.filter((line) => line.startsWith('debug')).length).toBeGreaterThan(0);
  });
});
