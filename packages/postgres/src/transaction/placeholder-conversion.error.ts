import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A statement could not be rewritten from `$1, $2, …` placeholders to the `?` placeholders a
 * library's raw API binds (Knex, MikroORM): a placeholder with no value, or a `\?` that the
 * library would read as an escape. Nothing was sent to the database.
 */
export class PlaceholderConversionError extends SmartMessageError {
  readonly code = 'SM_SQL_PLACEHOLDERS' as const;

  constructor(reason: string) {
    super(
      `Cannot bind this statement through a ?-placeholder API: ${reason}, and nothing was sent. To fix: ` +
        'number the placeholders $1…$n with one value each, or pass a pg client (fromPg) instead',
    );
  }
}
