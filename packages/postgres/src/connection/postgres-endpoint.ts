import { Client, type ClientConfig } from 'pg';

/**
 * Where `pg` will connect for these settings, as it resolves them itself (connection string,
 * then explicit fields, then PG* environment variables), for error messages. No connection is
 * opened: a Client only parses its configuration until `connect()`.
 */
export function postgresEndpoint(config: ClientConfig): { host: string; port: number } {
  const client = new Client(config) as unknown as { host?: string; port?: number };
  return { host: client.host ?? 'localhost', port: client.port ?? 5432 };
}
