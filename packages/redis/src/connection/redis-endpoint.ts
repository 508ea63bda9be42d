import type { Redis } from 'ioredis';

/** Where a client connects, for messages: host and port, or the socket path. */
export function endpointOf(client: Redis): { host: string; port: number | string } {
  const { host, port, path } = client.options;
  return path ? { host: path, port: 'unix socket' } : { host: host ?? '127.0.0.1', port: port ?? 6379 };
}
