import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP forwarder on a free loopback port in front of a PostgreSQL server, for putting one
 * connection (the transport's LISTEN connection) through faults the server itself cannot be
 * made to show without stopping it: refusing new connections (`refuse`), or going silent while
 * keeping every socket open (`pause`): a half-open connection the OS's keepalive would never
 * notice, because this process's kernel still answers it.
 */
export class TcpProxy {
  /** Connections accepted so far (refused ones included). */
  accepted = 0;
  private mode: 'open' | 'refuse' | 'pause' = 'open';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private readonly held = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    return new TcpProxy(server, address.port, target);
  }

  /** `postgres://…` of the proxied server. */
  url(database = 'test'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** New connections are closed at once; open ones keep working. */
  refuse(): void {
    this.mode = 'refuse';
  }

  /** Nothing is forwarded any more, in either direction, and nothing is closed. */
  pause(): void {
    this.mode = 'pause';
    for (const { client, upstream } of this.pairs) {
      // Unpiped, not only paused: a pipe resumes its source on the destination's next drain.
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again: paused sockets resume, held new connections are connected. */
  open(): void {
    const paused = this.mode === 'pause';
    this.mode = 'open';
    if (paused)
      for (const { client, upstream } of this.pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
    const held = [...this.held];
    this.held.clear();
    for (const client of held) if (!client.destroyed) this.forward(client);
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    for (const client of this.held) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.mode === 'pause') {
      this.held.add(client);
      client.once('close', () => this.held.delete(client));
      return;
    }
    this.forward(client);
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('error', () => undefined);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', end);
    upstream.once('close', end);
  }
}
