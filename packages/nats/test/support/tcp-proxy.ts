import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP forwarder on a free loopback port in front of a NATS server, so a test can
 * drop every connection of its own transport at once (`dropAll`) or refuse new ones (`refuse`)
 * without touching anyone else's connections or the server.
 */
export class TcpProxy {
  /** Connections accepted so far (refused ones included). */
  accepted = 0;
  private refusing = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target = { host: '127.0.0.1', port: 4222 }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    return new TcpProxy(server, address.port, target);
  }

  /** `nats://…` through the proxy. */
  url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Destroys every forwarded connection, both sides: the broker and the client each see a reset. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** New connections are closed at once (a broker that is away); `open()` ends it. */
  refuse(): void {
    this.refusing = true;
  }

  open(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('error', () => undefined);
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', end);
    upstream.once('close', end);
  }
}
