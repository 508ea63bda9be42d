import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const INSTALL_HINT =
  'redis-server is not installed. Install Redis 7 (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) or point REDIS_URL at a running server.';

/** True when something answers Redis's PING on host:port. */
export function isRedisListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export function hasRedisServerBinary(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A redis-server of a test's own, on a free port, with an append-only file fsynced on every
 * write, so the test can kill and restart Redis without losing what Redis acknowledged.
 */
export class TestRedisServer {
  private process?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sm-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedisServer> {
    if (!hasRedisServerBinary()) throw new Error(INSTALL_HINT);
    const server = new TestRedisServer(await freePort());
    await server.boot();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
    // A child Redis forked (an AOF rewrite) may hold the listening socket a moment longer.
    const deadline = Date.now() + 10_000;
    while ((await isRedisListening(this.port)) || !(await isPortFree(this.port))) {
      if (Date.now() > deadline) throw new Error(`port ${this.port} is still taken after killing redis-server`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.boot();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    this.process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await isRedisListening(this.port)) || (await this.rewritingAof())) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Redis forks a child to write the first append-only file; a SIGKILL of the server while it
   * runs leaves that child holding the port. Tests start once it is done.
   */
  private async rewritingAof(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const info = await client.info('persistence');
      return /aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(info);
    } catch {
      return true;
    } finally {
      client.disconnect();
    }
  }
}
