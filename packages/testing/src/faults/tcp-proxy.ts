import { createServer, Server, Socket, connect } from 'node:net';

/** Where a {@link TcpProxy} forwards to. */
export interface TcpProxyTarget {
  host: string;
  port: number;
}

/** Options of {@link TcpProxy.start}. */
export interface TcpProxyOptions {
  /** The client URL of the proxied service at the proxy's port, returned by `url()` (e.g. `amqp://…:${port}`). */
  url?: (port: number) => string;
}

/**
 * A TCP forwarder on a free loopback port in front of a broker, for a transport's fault tests: it puts the
 * transport's own connections through faults the broker cannot be made to show without stopping it, and
 * touches nobody else's connections. `dropAll` resets every connection (both sides see it), `refuse` closes
 * new ones at once (a broker that is away), `pause` goes silent while keeping every socket open (a half-open
 * connection the OS's keepalive would never notice, because this process's kernel still answers it).
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
    private readonly target: TcpProxyTarget,
    private readonly urlAt: ((port: number) => string) | undefined,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free loopback port and forwards every connection to `target`. */
  static async start(target: TcpProxyTarget, options: TcpProxyOptions = {}): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    return new TcpProxy(server, address.port, target, options.url);
  }

  /** The service's URL through the proxy, from the `url` option of `start`. */
  url(): string {
    if (!this.urlAt) throw new Error('TcpProxy.start was given no url option: pass one, or use `port`');
    return this.urlAt(this.port);
  }

  /** Destroys every forwarded connection, both sides: the broker and the client each see a reset. */
  dropAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
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
    this.dropAll();
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
