import { ContenderSettings } from '../redis/contender';

/** The PostgreSQL a contender of the `postgres` benchmark uses. */
export function postgresUrlOf(settings: ContenderSettings): string {
  if (!settings.postgresUrl) throw new Error('a PostgreSQL contender needs --postgres-url');
  return settings.postgresUrl;
}
