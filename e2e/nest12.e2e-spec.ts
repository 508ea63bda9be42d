import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * NestJS 12 is ESM-only, and jest's CommonJS runtime cannot load it, so this suite proves it from
 * outside: it packs the built packages as a release would, installs them with npm into a copy of
 * e2e/nest12-app (a NestJS 12 ES module application with its own lockfile), runs the application
 * with `node`, and checks what it printed, one JSON line per check. The workspace's other suites
 * keep running on Nest 11.
 *
 * Needs the packages built (`pnpm build`, as CI does before the tests), npm's registry (the
 * application's dependencies are kept in os.tmpdir(), keyed by its lockfile, so only the first
 * run downloads them), Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432 (database `test`).
 */
const ROOT = join(__dirname, '..');
const APP = join(__dirname, 'nest12-app');
const PACKAGES = ['nestjs', 'redis', 'postgres', 'terminus', 'prometheus', 'casl'];
/** Nest 12 packages are ES modules that the library's CommonJS build `require`s: Node's require(esm). */
const NODE_FLOOR: [number, number] = [20, 19];
/** Bounds, not expectations: an install from a cold cache, and one run of the application. */
const INSTALL_BOUND_MS = 240_000;
const RUN_BOUND_MS = 120_000;
const KEPT_OUTPUT_CHARS = 20_000;

interface Output {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  timeout: number,
  env: NodeJS.ProcessEnv = {},
): Promise<Output> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr, code });
      },
    );
  });
}

const tail = (text: string): string => text.slice(-KEPT_OUTPUT_CHARS);

const NETWORK_FAILURE =
  /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)\b|npm error network/;

async function npm(args: string[], cwd: string): Promise<void> {
  const output = await run('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts'], cwd, INSTALL_BOUND_MS);
  if (output.code === 0) return;
  const log = tail(`${output.stdout}\n${output.stderr}`);
  if (NETWORK_FAILURE.test(log)) {
    throw new Error(
      `npm could not reach its registry (npm ${args[0]} in ${cwd}): this suite installs NestJS 12 from npm into e2e/nest12-app.\n${log}`,
    );
  }
  throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${log}`);
}

function newestMtime(directory: string): number {
  return readdirSync(directory, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(directory, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }, 0);
}

/** What is packed is the build: refuse a missing one, or one older than its sources. */
function assertBuilt(name: string): void {
  const dir = join(ROOT, 'packages', name);
  const buildInfo = join(dir, 'dist/.tsbuildinfo');
  if (!existsSync(join(dir, 'dist/index.js')) || !existsSync(buildInfo)) {
    throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` before this test`);
  }
  if (newestMtime(join(dir, 'src')) > statSync(buildInfo).mtimeMs) {
    throw new Error(`packages/${name}/src changed after its last build: run \`pnpm build\` before this test`);
  }
}

/** node_modules of the application as its lockfile pins them, installed once per lockfile. */
async function cachedDependencies(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(APP, file)));
  hash.update(process.version);
  const cache = join(tmpdir(), `smart-message-nest12-deps-${hash.digest('hex').slice(0, 16)}`);
  const complete = join(cache, 'complete');
  if (existsSync(complete)) return join(cache, 'node_modules');

  const building = `${cache}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(building);
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(APP, file), join(building, file));
    await npm(['ci'], building);
    writeFileSync(join(building, 'complete'), '');
    renameSync(building, cache); // atomic: the cache is complete or absent
  } catch (error) {
    if (!existsSync(complete)) throw error; // otherwise a parallel run renamed its own first
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return join(cache, 'node_modules');
}

type Observed = Record<string, unknown> & { check: string; error?: string };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSample(line: string): Sample {
  const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
  if (!match) throw new Error(`not a Prometheus sample: ${line}`);
  const labels = Object.fromEntries([...match[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { name: match[1]!, labels, value: Number(match[3]) };
}

describe('a NestJS 12 ES module application with the packed packages (e2e/nest12-app)', () => {
  let work: string;
  let output: Output;
  const results = new Map<string, Observed>();

  beforeAll(async () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major < NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor < NODE_FLOOR[1])) {
      throw new Error(
        `NestJS 12 needs Node ${NODE_FLOOR.join('.')} or later (require(esm)); this is ${process.version}`,
      );
    }
    PACKAGES.forEach(assertBuilt);
    work = mkdtempSync(join(tmpdir(), 'smart-message-nest12-'));

    const tarballs = join(work, 'tarballs');
    const packed = await Promise.all(
      PACKAGES.map(async (name) => {
        const result = await run(
          'pnpm',
          ['pack', '--json', '--pack-destination', tarballs],
          join(ROOT, 'packages', name),
          INSTALL_BOUND_MS,
        );
        if (result.code !== 0) throw new Error(`pnpm pack failed in packages/${name}:\n${tail(result.stderr)}`);
        return (JSON.parse(result.stdout) as { filename: string }).filename;
      }),
    );

    const app = join(work, 'app');
    cpSync(APP, app, { recursive: true, filter: (source) => !source.includes('node_modules') });
    cpSync(await cachedDependencies(), join(app, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    // No --legacy-peer-deps: the packages' peer ranges must admit NestJS 12 as they are.
    await npm(['install', '--no-save', '--prefer-offline', ...packed], app);

    const prefix = `smart-message-nest12-${process.pid}-${randomBytes(4).toString('hex')}:`;
    output = await run(process.execPath, ['--import', './trace-loads.mjs', 'main.mjs'], app, RUN_BOUND_MS, {
      REDIS_URL: 'redis://127.0.0.1:6379',
      SM_PREFIX: prefix,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      SM_SCHEMA: `sm_nest12_${process.pid}_${randomBytes(3).toString('hex')}`,
    });
    for (const line of output.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const observed = JSON.parse(line) as Observed;
      results.set(observed.check, observed);
    }
  }, INSTALL_BOUND_MS + RUN_BOUND_MS);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** One check's observation, or a failure that shows what the application printed. */
  function result(check: string): Observed {
    const observed = results.get(check);
    if (!observed || observed.error !== undefined) {
      throw new Error(
        `check ${check} ${observed ? `failed: ${observed.error}` : 'never reported'}; the application exited with ${output?.code}\n` +
          `stdout:\n${tail(output?.stdout ?? '')}\nstderr:\n${tail(output?.stderr ?? '')}`,
      );
    }
    return observed;
  }

  it('boots on NestJS 12 and exits cleanly', () => {
    expect(result('versions')).toMatchObject({
      nestCore: expect.stringMatching(/^12\./),
      nestTerminus: expect.stringMatching(/^12\./),
    });
    expect(result('boot')).toEqual({ check: 'boot', booted: true });
    expect(output.code).toBe(0);
  });

  it('delivers a message published on the in-memory transport to its @Subscribe handler', () => {
    expect(result('memory')).toEqual({
      check: 'memory',
      text: 'over memory',
      instanceOfMessageClass: true,
      transport: 'memory',
      handlerId: 'TransportHandlers.onMemory',
      from: 'nest12',
    });
  });

  it('delivers a message over Redis pub/sub', () => {
    expect(result('redis-pubsub')).toEqual({
      check: 'redis-pubsub',
      text: 'over pub/sub',
      instanceOfMessageClass: true,
      transport: 'pubsub',
      handlerId: 'TransportHandlers.onPubSub',
      from: 'nest12',
    });
  });

  it('delivers a message over Redis Streams', () => {
    expect(result('redis-streams')).toEqual({
      check: 'redis-streams',
      text: 'over streams',
      instanceOfMessageClass: true,
      transport: 'streams',
      handlerId: 'TransportHandlers.onStreams',
      from: 'nest12',
    });
  });

  it('delivers a message over PostgreSQL', () => {
    expect(result('postgres')).toEqual({
      check: 'postgres',
      text: 'over postgres',
      instanceOfMessageClass: true,
      transport: 'postgres',
      handlerId: 'TransportHandlers.onPostgres',
      from: 'nest12',
    });
  });

  it("publishes inside the application's own pg transaction: a rollback sends nothing, a commit sends it", () => {
    expect(result('postgres-transaction')).toEqual({
      check: 'postgres-transaction',
      texts: ['over postgres', 'committed'],
    });
  });

  it('runs a refusing guard in a message execution context and never calls the handler', () => {
    expect(result('guard')).toEqual({
      check: 'guard',
      guard: { messageContext: true, contextType: 'smart-message', text: 'to be refused' },
      handlerCalls: 0,
    });
  });

  it('runs an interceptor around the handler', () => {
    expect(result('interceptor')).toEqual({
      check: 'interceptor',
      messageContext: true,
      text: 'intercepted',
      handlerReturned: 'handled',
      order: ['interceptor:before', 'handler', 'interceptor:after'],
    });
  });

  it("hands a handler's error to its exception filter", () => {
    expect(result('filter')).toEqual({
      check: 'filter',
      errorName: 'Error',
      errorMessage: 'the handler failed on purpose',
      messageContext: true,
      text: 'fails',
    });
  });

  it("reports only the guard's refusal as undeliverable (rejected), and keeps it as a dead letter", () => {
    // The filter returned, so the failing handler's error counts as handled: no handler-failed.
    expect(result('undeliverable').events).toEqual([
      {
        reason: 'rejected',
        handlerId: 'EnhancedHandlers.refused',
        messageClass: 'GuardedPing',
        transport: 'memory',
        errorName: 'MessageRejectedError',
        errorCode: 'SM_GUARD_REJECTED',
      },
    ]);
    expect(result('dead-letters')).toMatchObject({ total: 1, byReason: { rejected: 1 } });
  });

  it("builds the catalog's AsyncAPI document, payload schemas included", () => {
    expect(result('asyncapi')).toEqual({
      check: 'asyncapi',
      asyncapi: '3.0.0',
      streamsAddress: expect.stringMatching(/^smart-message-nest12-.*:StreamsPing$/),
      receive: 'receive',
      payload: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
  });

  it('answers a terminus health check with every transport up', () => {
    const { status, body } = result('terminus') as Observed & { status: number; body: Record<string, unknown> };
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      info: {
        transports: {
          status: 'up',
          transports: {
            memory: { kind: 'memory', up: true },
            pubsub: { kind: 'redis-pubsub', up: true, subscriber: 'ready' },
            streams: { kind: 'redis-streams', up: true, groups: { nest12: { reading: true } } },
            postgres: { kind: 'postgres', up: true },
          },
        },
        messageBus: { status: 'up', state: 'open' },
      },
    });
  });

  it('serves Prometheus metrics that counted the messages', () => {
    const { status, contentType, samples } = result('prometheus') as Observed & {
      status: number;
      contentType: string;
      samples: string[];
    };
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain/);
    const counted = (name: string, labels: Record<string, string>): Sample => ({ name, labels, value: 1 });
    expect(samples.map(parseSample)).toEqual(
      expect.arrayContaining([
        counted('smart_message_published_total', { message_type: 'MemoryPing', transport: 'memory', outcome: 'sent' }),
        counted('smart_message_published_total', { message_type: 'PubSubPing', transport: 'pubsub', outcome: 'sent' }),
        counted('smart_message_published_total', {
          message_type: 'StreamsPing',
          transport: 'streams',
          outcome: 'sent',
        }),
        counted('smart_message_received_total', { message_type: 'PubSubPing', transport: 'pubsub' }),
        counted('smart_message_received_total', { message_type: 'StreamsPing', transport: 'streams' }),
        counted('smart_message_succeeded_total', {
          message_type: 'MemoryPing',
          handler: 'TransportHandlers.onMemory',
          transport: 'memory',
        }),
        counted('smart_message_succeeded_total', {
          message_type: 'PubSubPing',
          handler: 'TransportHandlers.onPubSub',
          transport: 'pubsub',
        }),
        counted('smart_message_succeeded_total', {
          message_type: 'StreamsPing',
          handler: 'TransportHandlers.onStreams',
          transport: 'streams',
        }),
        counted('smart_message_dead_lettered_total', {
          message_type: 'GuardedPing',
          transport: 'memory',
          reason: 'rejected',
        }),
      ]),
    );
  });

  it('judges messages by a CASL ability of the ES module build with the CommonJS @smart-message/casl', () => {
    expect(result('casl')).toEqual({
      check: 'casl',
      handled: ['allowed'],
      deny: {
        reason: 'unauthorized',
        message:
          'CaslPing.subscriber_1 is not authorized to handle CaslPing from "nest12": ' +
          'no CASL rule lets "nest12" handle CaslPing: none of the 1 rule(s) for it matches this payload',
      },
      abilityOfTheEsmBuild: true,
    });
  });

  it('never loads file-type (which declares Node >= 22) on this path', () => {
    expect(result('file-type')).toEqual({ check: 'file-type', loaded: false, tracedModules: expect.any(Number) });
    expect(result('file-type').tracedModules).toBeGreaterThan(0);
  });

  it("removes this run's Redis keys", () => {
    expect(result('cleanup')).toEqual({ check: 'cleanup', keysLeft: 0 });
  });
});
