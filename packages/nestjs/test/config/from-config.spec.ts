import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsString } from 'class-validator';
import {
  fromConfig,
  MemoryTransport,
  Message,
  MessageBus,
  TransportConfigError,
  TransportPackageMissingError,
} from '@smart-message/nestjs';

@Message({ name: 'ConfiguredPing', from: 'tests' })
class ConfiguredPing {
  @IsString() text!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('fromConfig', () => {
  it('builds the transports SMART_MESSAGE_TRANSPORTS names, with options from the query, and a bus delivers over them', async () => {
    const transports = fromConfig({ SMART_MESSAGE_TRANSPORTS: 'local=memory:?retain=5; spare = memory:' });
    expect(Object.keys(transports)).toEqual(['local', 'spare']);
    expect(transports.local).toBeInstanceOf(MemoryTransport);
    const bus = new MessageBus({ entity: 'tests', logger: silent, transports });
    const received: string[] = [];
    await bus.subscribe(ConfiguredPing, (message) => void received.push(message.text));
    await bus.start();
    try {
      await bus.publish(Object.assign(new ConfiguredPing(), { text: 'configured' }));
      await new Promise((resolve) => setImmediate(resolve));
      expect(received).toEqual(['configured']);
    } finally {
      await bus.shutdown(1000);
    }
  });

  it('reads a { transports } object and a JSON file of that shape', () => {
    expect(Object.keys(fromConfig({ transports: { a: 'memory:' } }))).toEqual(['a']);
    const file = join(mkdtempSync(join(tmpdir(), 'sm-config-')), 'transports.json');
    writeFileSync(file, JSON.stringify({ transports: { b: 'memory:' } }));
    expect(fromConfig(file).b).toBeInstanceOf(MemoryTransport);
  });

  it('says which package to install for a scheme whose package is not installed where the app runs', () => {
    // In a plain Node process on the built package, as an application loads it: jest resolves modules its own way.
    const built = join(__dirname, '../../dist/index.js');
    const empty = mkdtempSync(join(tmpdir(), 'sm-config-app-'));
    const script = `
      const { fromConfig } = require(${JSON.stringify(built)});
      try { fromConfig({ transports: { bus: 'nats://127.0.0.1:4222' } }); }
      catch (error) { process.stdout.write(JSON.stringify({ name: error.constructor.name, code: error.code, packageName: error.packageName, message: error.message })); }`;
    // Without NODE_PATH: the jest bin shim pnpm writes sets it to node_modules/.pnpm/node_modules,
    // where pnpm hoists every workspace package, so the child would find @smart-message/nats there
    // once the package exists, which an application's own process would not.
    const env = { ...process.env };
    delete env.NODE_PATH;
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: empty, env, encoding: 'utf8' }),
    ) as Record<string, string>;
    expect(out).toMatchObject({
      name: 'TransportPackageMissingError',
      code: 'SM_TRANSPORT_PACKAGE_MISSING',
      packageName: '@smart-message/nats',
    });
    expect(out.message).toMatch(/needs @smart-message\/nats.*pnpm add @smart-message\/nats/);
    expect(TransportPackageMissingError.name).toBe(out.name);
  });

  it.each([
    ['the variable is unset', {}, /SMART_MESSAGE_TRANSPORTS is not set/],
    ['an entry is not name=url', { SMART_MESSAGE_TRANSPORTS: 'redis://x' }, /is not name=url/],
    ['a name has a space', { SMART_MESSAGE_TRANSPORTS: 'my bus=memory:' }, /a name is a letter/],
    ['a name is given twice', { SMART_MESSAGE_TRANSPORTS: 'a=memory:,a=memory:' }, /configured twice/],
    ['the scheme is unknown', { SMART_MESSAGE_TRANSPORTS: 'a=kafka://broker:9092' }, /unknown scheme kafka:\/\//],
    ['the value is not a URL', { SMART_MESSAGE_TRANSPORTS: 'a=localhost' }, /is not a URL/],
    ['an option is unknown', { SMART_MESSAGE_TRANSPORTS: 'a=memory:?retian=5' }, /takes no option "retian"/],
    ['a number is not one', { SMART_MESSAGE_TRANSPORTS: 'a=memory:?retain=lots' }, /retain must be a number/],
    ['a boolean is not one', { transports: { a: 'postgres://db/app?notify=yes' } }, /notify must be true or false/],
  ])('refuses a configuration where %s, with TransportConfigError', (_, source, message) => {
    expect(() => fromConfig(source as NodeJS.ProcessEnv)).toThrow(TransportConfigError);
    expect(() => fromConfig(source as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('never shows a password from a URL it cannot read', () => {
    expect(() => fromConfig({ transports: { a: 'postgres://app:s3cret@db:5432/app?notify=yes' } })).not.toThrow(
      /s3cret/,
    );
    expect(() => fromConfig({ transports: { a: 'nonsense//app:s3cret@db' } })).toThrow(TransportConfigError);
    expect(() => fromConfig({ transports: { a: 'nonsense//app:s3cret@db' } })).not.toThrow(/s3cret/);
  });

  it('reads redis+cluster:// and redis+streams+cluster:// as seed nodes, with credentials and query options', () => {
    const built: { exportName: string; options: Record<string, unknown> }[] = [];
    const recording = (exportName: string) =>
      class extends MemoryTransport {
        constructor(options: Record<string, unknown>) {
          super();
          built.push({ exportName, options });
        }
      };
    const load = (): unknown => ({
      RedisPubSubTransport: recording('RedisPubSubTransport'),
      RedisStreamsTransport: recording('RedisStreamsTransport'),
    });
    fromConfig(
      {
        transports: {
          events: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7001?sharded=true',
          jobs: 'redis+streams+cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001/?blockMs=500',
        },
      },
      { load },
    );
    expect(built).toEqual([
      {
        exportName: 'RedisPubSubTransport',
        options: { cluster: { nodes: ['10.0.0.1:7000', '10.0.0.2:7001'] }, sharded: true },
      },
      {
        exportName: 'RedisStreamsTransport',
        options: {
          cluster: { nodes: ['10.0.0.1:7000', '10.0.0.2:7001'] },
          redisOptions: { username: 'app', password: 's@cret' },
          blockMs: 500,
        },
      },
    ]);
  });

  it('reads the seed nodes of a cluster URL in SMART_MESSAGE_TRANSPORTS, whose entries are also comma-separated', () => {
    const built: Record<string, unknown>[] = [];
    const load = (): unknown => ({
      RedisStreamsTransport: class extends MemoryTransport {
        constructor(options: Record<string, unknown>) {
          super();
          built.push(options);
        }
      },
    });
    const transports = fromConfig(
      { SMART_MESSAGE_TRANSPORTS: 'jobs=redis+streams+cluster://a:7000,b:7001,c:7002?blockMs=5,local=memory:' },
      { load },
    );
    expect(Object.keys(transports)).toEqual(['jobs', 'local']);
    expect(built).toEqual([{ cluster: { nodes: ['a:7000', 'b:7001', 'c:7002'] }, blockMs: 5 }]);
  });

  it.each([
    ['names no seed node', 'redis+cluster://', /takes seed nodes as host:port,host:port/],
    ['sets an option pub/sub does not take', 'redis+cluster://h:7000?blockMs=5', /takes no option "blockMs"/],
    ['has sharded that is no boolean', 'redis+cluster://h:7000?sharded=yes', /sharded must be true or false/],
  ])('refuses a cluster URL that %s', (_, url, message) => {
    expect(() => fromConfig({ transports: { a: url } }, { load: () => ({}) })).toThrow(message);
  });

  it('never shows the password of a cluster URL it refuses', () => {
    expect(() => fromConfig({ transports: { a: 'redis+cluster://app:s3cret@h:7000?nope=1' } })).toThrow(
      TransportConfigError,
    );
    expect(() => fromConfig({ transports: { a: 'redis+cluster://app:s3cret@h:7000?nope=1' } })).not.toThrow(/s3cret/);
  });
});
