import { Socket } from 'node:net';

/** What a TCP connect to one seed node found. */
export interface SeedProbe {
  readonly node: string;
  /** `ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`…, or `listening` when the port accepted the connection. */
  readonly result: string;
}

/**
 * Connects to each seed once, in parallel, to name why the cluster could not be reached: ioredis
 * reports a refused seed only as "Failed to refresh slots cache" / "Connection is closed.", its node
 * connections never surfacing the socket error. Only run after startup failed.
 */
export function probeSeeds(nodes: readonly { host: string; port: number }[], timeoutMs = 1000): Promise<SeedProbe[]> {
  return Promise.all(
    nodes.map(
      ({ host, port }) =>
        new Promise<SeedProbe>((resolve) => {
          const socket = new Socket();
          const done = (result: string): void => {
            socket.destroy();
            resolve({ node: `${host}:${port}`, result });
          };
          socket.setTimeout(timeoutMs, () => done('ETIMEDOUT'));
          socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
          socket.connect(port, host, () => done('listening'));
        }),
    ),
  );
}
