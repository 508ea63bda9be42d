import { InvalidOptionError } from '@smart-message/nestjs';

/** The schema the transport keeps its tables in when none is given. */
export const DEFAULT_SCHEMA = 'smartmessage';

/**
 * Lower-case letters, digits and `_`, starting with a letter or `_`: a name that needs no quoting
 * and reads the same in every tool. At most 50 bytes, so the LISTEN channel `<schema>_wake` stays
 * under PostgreSQL's 63-byte identifier limit, which would otherwise truncate it silently.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,49}$/;

/** Checks a schema option; returns it as a quoted identifier ready for SQL text. */
export function schemaOption(schema: string | undefined, owner: string): { name: string; sql: string } {
  const name = schema ?? DEFAULT_SCHEMA;
  if (typeof name !== 'string' || !SCHEMA_NAME.test(name) || name.startsWith('pg_'))
    throw new InvalidOptionError(
      owner,
      'schema',
      name,
      'lower-case letters, digits and _ (at most 50, starting with a letter or _, not pg_)',
    );
  return { name, sql: `"${name}"` };
}
