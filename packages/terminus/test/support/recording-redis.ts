import { Redis, RedisOptions } from 'ioredis';

/**
 * A real client that keeps the connections duplicated from it, so a test can close one of a
 * transport's connections (the Streams reader) and leave the others running.
 */
export class RecordingRedis extends Redis {
  readonly duplicates: Redis[] = [];

  override duplicate(override?: Partial<RedisOptions>): Redis {
    const connection = super.duplicate(override);
    this.duplicates.push(connection);
    return connection;
  }

  /** The duplicated connection whose name contains `role`. */
  connectionNamed(role: string): Redis {
    const found = this.duplicates.find((connection) => connection.options.connectionName?.includes(role));
    if (!found) throw new Error(`no duplicated connection named like ${role}`);
    return found;
  }
}
