import type { LevelWithSilent } from 'pino';

const PINO_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** Nest's names for the levels pino names otherwise. */
const NEST_LEVEL_NAMES: Readonly<Record<string, LevelWithSilent>> = { log: 'info', verbose: 'trace' };

/**
 * The pino level from `LOG_LEVEL` (pino's names, or Nest's `log` and `verbose`); without it,
 * `silent` under `NODE_ENV=test` (jest sets it) so test runs stay quiet, else `fallback`.
 */
export function logLevelFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  fallback: LevelWithSilent = 'info',
): LevelWithSilent {
  const requested = env.LOG_LEVEL?.trim().toLowerCase();
  if (!requested) return env.NODE_ENV === 'test' ? 'silent' : fallback;
  const level = NEST_LEVEL_NAMES[requested] ?? PINO_LEVELS.find((candidate) => candidate === requested);
  if (level === undefined) {
    throw new Error(
      `LOG_LEVEL must be one of ${[...PINO_LEVELS, ...Object.keys(NEST_LEVEL_NAMES)].join(', ')}, got "${env.LOG_LEVEL}"`,
    );
  }
  return level;
}
