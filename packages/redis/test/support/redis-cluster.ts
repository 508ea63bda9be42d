import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { hasRedisServerBinary, isRedisListening } from './redis-server';

const run = promisify(execFile);

export const CLUSTER_INSTALL_HINT =
  'redis-server and redis-cli are needed for the Redis Cluster suites. Install Redis 7 (Debian/Ubuntu: `apt-get install redis-server redis-tools`; macOS: `brew install redis`).';

export async function hasRedisCliBinary(): Promise<boolean> {
  try {
    await run('redis-cli', ['--version']);
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

/** `count` free ports whose cluster bus port (+10000) is free too, below the ephemeral range. */
async function freeClusterPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = Array.from({ length: count }, (_, index) => base + index);
    const free = await Promise.all(ports.flatMap((port) => [isPortFree(port), isPortFree(port + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error('no free ports for a Redis Cluster between 20000 and 39000');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface TestRedisClusterOptions {
  /** Primaries (default 3). */
  primaries?: number;
  /** Replicas per primary (default 1: six nodes). */
  replicas?: number;
  /** fsync every write to an append-only file, so `restart()` keeps what was acknowledged (default false). */
  persistent?: boolean;
}

/**
 * A Redis Cluster of a test's own: `redis-server --cluster-enabled yes` per node on free ports in
 * a temporary directory, joined by `redis-cli --cluster create … --cluster-replicas 1`, ready
 * once every node says `cluster_state:ok` and every replica is in sync. `stop()` kills each
 * node by PID and removes the directory. About 2–3 s to start.
 *
 * From an e2e test or a script: `const cluster = await TestRedisCluster.start();` then pass
 * `cluster.seeds` (`['127.0.0.1:<port>', …]`) as `cluster: { nodes }`, or `cluster.url` to
 * fromConfig; `await cluster.stop()` at the end.
 */
export class TestRedisCluster {
  private readonly processes = new Map<number, ChildProcess>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'sm-redis-cluster-'));

  private constructor(
    readonly ports: number[],
    private readonly options: Required<TestRedisClusterOptions>,
  ) {}

  static async start(options: TestRedisClusterOptions = {}): Promise<TestRedisCluster> {
    if (!hasRedisServerBinary() || !(await hasRedisCliBinary())) throw new Error(CLUSTER_INSTALL_HINT);
    const resolved = { primaries: 3, replicas: 1, persistent: false, ...options };
    const ports = await freeClusterPorts(resolved.primaries * (1 + resolved.replicas));
    const cluster = new TestRedisCluster(ports, resolved);
    try {
      await Promise.all(ports.map((port) => cluster.startNode(port)));
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...ports.map((port) => `127.0.0.1:${port}`),
          '--cluster-replicas',
          String(resolved.replicas),
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
      await cluster.waitUntilHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Every node as `host:port`, for `cluster: { nodes }`. */
  get seeds(): string[] {
    return this.ports.map((port) => `127.0.0.1:${port}`);
  }

  /** The fromConfig URL of this cluster's pub/sub transport (`redis+cluster://…`). */
  get url(): string {
    return `redis+cluster://${this.seeds.join(',')}`;
  }

  /** A plain connection to one node, for admin commands; the caller disconnects it. */
  node(port: number): Redis {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    return client;
  }

  /** Runs `command` on one node and disconnects. */
  async onNode<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T> {
    const client = this.node(port);
    try {
      return await command(client);
    } finally {
      client.disconnect();
    }
  }

  /** Ports of the nodes alive now that serve slots (primaries). */
  async primaries(): Promise<number[]> {
    const result: number[] = [];
    for (const port of this.alivePorts()) {
      const role = await this.onNode(port, (client) => client.call('ROLE')).catch(() => undefined);
      if (Array.isArray(role) && role[0] === 'master') result.push(port);
    }
    return result;
  }

  /** The port of the primary serving `key`'s slot, as the cluster says now. */
  async primaryOf(key: string): Promise<number> {
    const [port] = this.alivePorts();
    const slot = Number(await this.onNode(port, (client) => client.call('CLUSTER', 'KEYSLOT', key)));
    for (const primary of await this.primaries()) {
      const owns = await this.onNode(primary, (client) => client.call('CLUSTER', 'COUNTKEYSINSLOT', slot))
        .then(() => this.ownsSlot(primary, slot))
        .catch(() => false);
      if (owns) return primary;
    }
    throw new Error(`no primary serves slot ${slot} of ${key}`);
  }

  /** Kills one node at once (SIGKILL), as a crash would; the cluster fails over if it was a primary. */
  async kill(port: number): Promise<void> {
    const child = this.processes.get(port);
    this.processes.delete(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed node again with its nodes.conf: it rejoins (as a replica when it was failed over). */
  async startAgain(port: number): Promise<void> {
    await this.startNode(port);
  }

  /** Kills every node and starts them again with what they had persisted (`persistent: true` keeps it all). */
  async restart(): Promise<void> {
    await Promise.all(this.ports.map((port) => this.kill(port)));
    await Promise.all(this.ports.map((port) => this.startNode(port)));
    await this.waitUntilHealthy();
  }

  /** Closes every client connection on every node (CLIENT KILL), as a network drop would. */
  async dropConnections(): Promise<void> {
    await Promise.all(
      this.alivePorts().map((port) =>
        this.onNode(port, async (client) => {
          await client.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
          await client.client('KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
        }),
      ),
    );
  }

  /**
   * Moves one slot with its keys to the primary on `toPort`, step by step as `redis-cli --cluster
   * reshard` does: IMPORTING/MIGRATING, MIGRATE of its keys in batches, then SETSLOT NODE on every
   * primary. Blocked readers of a moved stream are unblocked by Redis with
   * `UNBLOCKED the stream key no longer exists`.
   */
  async moveSlot(slot: number, toPort: number): Promise<void> {
    const primaries = await this.primaries();
    let fromPort: number | undefined;
    for (const port of primaries) if (await this.ownsSlot(port, slot)) fromPort = port;
    if (fromPort === undefined) throw new Error(`no primary owns slot ${slot}`);
    if (fromPort === toPort) return;
    const toId = String(await this.onNode(toPort, (client) => client.call('CLUSTER', 'MYID')));
    const fromId = String(await this.onNode(fromPort, (client) => client.call('CLUSTER', 'MYID')));
    await this.onNode(toPort, (client) => client.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId));
    await this.onNode(fromPort, (client) => client.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId));
    await this.onNode(fromPort, async (client) => {
      for (;;) {
        const keys = (await client.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
        if (keys.length === 0) break;
        await client.call('MIGRATE', '127.0.0.1', toPort, '', 0, 10_000, 'KEYS', ...keys);
      }
    });
    for (const port of primaries)
      await this.onNode(port, (client) => client.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId));
    await until(`slot ${slot} owned by ${toPort} everywhere`, 20_000, async () => {
      for (const port of this.alivePorts()) {
        const owner = await this.ownerOf(port, slot);
        if (owner !== toPort) return false;
      }
      return true;
    });
  }

  /** Moves `slots` slots from other primaries to `toPort` with `redis-cli --cluster reshard`. */
  async reshard(toPort: number, slots: number): Promise<void> {
    const toId = String(await this.onNode(toPort, (client) => client.call('CLUSTER', 'MYID')));
    await run(
      'redis-cli',
      [
        '--cluster',
        'reshard',
        `127.0.0.1:${toPort}`,
        '--cluster-from',
        'all',
        '--cluster-to',
        toId,
        '--cluster-slots',
        String(slots),
        '--cluster-yes',
      ],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    await this.waitUntilHealthy();
  }

  /** Every live node says cluster_state:ok, sees 16384 slots served, and every replica is in sync. */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    await until('every node listening', timeoutMs, async () =>
      (await Promise.all(this.alivePorts().map((port) => isRedisListening(port)))).every(Boolean),
    );
    await until('cluster_state:ok on every node', timeoutMs, async () => {
      for (const port of this.alivePorts()) {
        const info = await this.onNode(port, (client) => client.call('CLUSTER', 'INFO'));
        if (!/cluster_state:ok/.test(String(info)) || !/cluster_slots_ok:16384/.test(String(info))) return false;
      }
      return true;
    });
    await until('replicas in sync', timeoutMs, async () => {
      for (const port of this.alivePorts()) {
        const info = String(await this.onNode(port, (client) => client.info('replication')));
        if (/role:slave/.test(info) && !/master_link_status:up/.test(info)) return false;
      }
      return true;
    });
  }

  /** Kills every node by PID and removes the directory. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private alivePorts(): number[] {
    return this.ports.filter((port) => this.processes.has(port));
  }

  private async ownerOf(port: number, slot: number): Promise<number | undefined> {
    const slots = (await this.onNode(port, (client) => client.call('CLUSTER', 'SLOTS'))) as [
      number,
      number,
      [string, number, ...unknown[]],
    ][];
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    return range ? Number(range[2][1]) : undefined;
  }

  private async ownsSlot(port: number, slot: number): Promise<boolean> {
    return (await this.ownerOf(port, slot)) === port;
  }

  private async startNode(port: number): Promise<void> {
    const dir = join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    const persistence = this.options.persistent
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--cluster-node-timeout',
        '2000',
        '--dir',
        dir,
        '--save',
        '',
        ...persistence,
      ],
      { stdio: 'ignore' },
    );
    this.processes.set(port, child);
    await until(`node ${port} listening`, 15_000, () => isRedisListening(port));
  }
}
