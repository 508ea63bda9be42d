import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { connect as connectSocket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';

/** The server script itself: the /usr/sbin wrapper switches to the rabbitmq user and its fixed node name. */
const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/**
 * A RabbitMQ node of one test file's own, on free loopback ports, with its data in a temporary
 * directory: the only node a test may kill. It registers with the machine's epmd under a name of
 * its own and reads none of /etc/rabbitmq (an empty env file, a config file of its own).
 * `restart()` kills it with SIGKILL (a crash, not a clean stop) and starts it on the same data.
 */
export class OwnRabbitMqNode {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly distPort: number,
    private readonly directory: string,
  ) {}

  /** Whether the server script is installed; without it the caller fails naming the package. */
  static get installed(): boolean {
    return existsSync(SERVER);
  }

  static async start(): Promise<OwnRabbitMqNode> {
    const [port, distPort] = [await freePort(), await freePort()];
    const directory = mkdtempSync(join(tmpdir(), 'smart-message-rabbitmq-'));
    writeFileSync(join(directory, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`);
    writeFileSync(join(directory, 'env.conf'), '');
    writeFileSync(join(directory, 'enabled_plugins'), '[].\n');
    const node = new OwnRabbitMqNode(port, distPort, directory);
    await node.boot();
    return node;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  /** SIGKILL, then a start on the same data; resolves once the node takes AMQP logins again. */
  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const started = Date.now();
    await this.kill(signal);
    const killed = Date.now();
    await this.boot();
    if (process.env.SMART_MESSAGE_TIMINGS)
      process.stderr.write(`rabbitmq node restart: kill ${killed - started} ms, boot ${Date.now() - killed} ms\n`);
  }

  async stop(): Promise<void> {
    try {
      await this.kill();
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }

  private async boot(): Promise<void> {
    const { directory } = this;
    rmSync(join(directory, 'pid'), { force: true });
    const log = openSync(join(directory, 'server.log'), 'a');
    this.process = spawn(SERVER, [], {
      cwd: directory,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        HOME: directory,
        RABBITMQ_NODENAME: `smtest${this.port}@localhost`,
        RABBITMQ_NODE_PORT: String(this.port),
        RABBITMQ_DIST_PORT: String(this.distPort),
        RABBITMQ_CONFIG_FILE: join(directory, 'rabbitmq'),
        RABBITMQ_CONF_ENV_FILE: join(directory, 'env.conf'),
        RABBITMQ_MNESIA_BASE: join(directory, 'mnesia'),
        RABBITMQ_LOG_BASE: join(directory, 'log'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(directory, 'enabled_plugins'),
        RABBITMQ_PID_FILE: join(directory, 'pid'),
        ERL_EPMD_ADDRESS: '127.0.0.1',
        // Without it the distribution port listens on every interface.
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      },
    });
    closeSync(log);
    const deadline = Date.now() + 90_000;
    while (!(await this.answers())) {
      if (this.process.exitCode !== null || Date.now() > deadline)
        throw new Error(`the RabbitMQ node on port ${this.port} did not start: see ${join(directory, 'server.log')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Kills the Erlang VM (its pid file) and waits for the wrapper script to end. */
  private async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    const pidFile = join(this.directory, 'pid');
    const beam = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    const exited = child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
    if (Number.isInteger(beam) && beam > 0) {
      try {
        process.kill(beam, signal);
      } catch {
        // already gone
      }
    }
    if (signal === 'SIGKILL') child.kill('SIGKILL');
    await exited;
    // The VM may outlive the wrapper by a moment; the port closes when it is gone.
    while (await this.answers(false)) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Whether the node takes an AMQP login (or, with `login` false, only whether its port is open). */
  private async answers(login = true): Promise<boolean> {
    if (!login)
      return new Promise((resolve) => {
        const socket = connectSocket(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    try {
      const connection = await connect(this.url, { timeout: 2000 });
      connection.on('error', () => undefined);
      await connection.close();
      return true;
    } catch {
      return false;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
