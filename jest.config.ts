import type { Config } from 'jest';
import { dirname, join } from 'node:path';

// One transform for every project: SWC with legacy decorators and decorator metadata,
// because handler discovery reads `design:paramtypes` to find a handler's message type.
const transform: Config['transform'] = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

// Tests import the packages by name, as users do; the names resolve to the sources, so no
// build is needed before a test run.
const moduleNameMapper: Config['moduleNameMapper'] = {
  '^@smart-message/([a-z-]+)$': join(__dirname, 'packages/$1/src/index.ts'),
  '^@smart-message/([a-z-]+)/([a-z-]+)$': join(__dirname, 'packages/$1/src/$2/index.ts'),
};

const project = (displayName: string, rootDir: string, testMatch: string[], extra: Config = {}): Config => ({
  displayName,
  rootDir: join(__dirname, rootDir),
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  testMatch,
  // Tests never write into the checkout (see isolate-working-directory.ts).
  setupFilesAfterEnv: [join(__dirname, 'packages/testing/test/support/isolate-working-directory.ts')],
  ...extra,
});

// Suites that talk to Redis start it when nothing listens on 6379 (see ensure-redis.ts).
const needsRedis: Config = { globalSetup: join(__dirname, 'packages/redis/test/support/ensure-redis.ts') };

// Suites that talk to PostgreSQL start a throwaway cluster when nothing listens on 5432 (see ensure-postgres.ts).
const needsPostgres: Config = { globalSetup: join(__dirname, 'packages/postgres/test/support/ensure-postgres.ts') };

// Suites that talk to RabbitMQ start the machine's node when nothing listens on 5672 (see ensure-rabbitmq.ts).
const needsRabbitMq: Config = { globalSetup: join(__dirname, 'packages/rabbitmq/test/support/ensure-rabbitmq.ts') };

// Suites that talk to NATS start a server with JetStream when nothing listens on 4222 (see ensure-nats.ts).
const needsNats: Config = { globalSetup: join(__dirname, 'packages/nats/test/support/ensure-nats.ts') };

// The Redis package supports ioredis 5 and 6 (peer `^5.4 || ^6`), and the two differ in reply
// shapes: its suites run once more with `ioredis` (and `ioredis/…`) resolved to the `ioredis-6`
// alias. ioredis-version.spec.ts proves which one each project loaded.
const ioredis6 = dirname(require.resolve('ioredis-6/package.json', { paths: [join(__dirname, 'packages/redis')] }));
const withIoredis6: Config = {
  ...needsRedis,
  moduleNameMapper: { '^ioredis(/.*)?$': `${ioredis6}$1`, ...moduleNameMapper },
  globals: { expectedIoredisMajor: 6 },
};

// The ORM adapters support TypeORM 0.3 and 1.x (peer `^0.3.20 || ^1`): the TypeORM adapter spec
// runs once more with `typeorm` resolved to the `typeorm-03` alias, and asserts which one it loaded.
// typeorm's exports map hides package.json; its main file sits at the package root.
const typeorm03 = dirname(require.resolve('typeorm-03', { paths: [join(__dirname, 'packages/postgres')] }));
const withTypeorm03: Config = {
  ...needsPostgres,
  moduleNameMapper: { '^typeorm(/.*)?$': `${typeorm03}$1`, ...moduleNameMapper },
  globals: { expectedTypeormVersion: '0.3.' },
};

// The Redis Cluster suites (test/cluster) get a project of their own: its global setup starts one
// 6-node cluster for the files that only read and write (fault files start their own), and fails
// with what to install when redis-server or redis-cli is missing. They run under both ioredis majors.
const redisClusterMatch = ['<rootDir>/test/cluster/**/*.spec.ts'];
const notCluster: Config = { testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'] };
const needsRedisCluster: Config = {
  globalSetup: join(__dirname, 'packages/redis/test/support/redis-cluster-setup.ts'),
  globalTeardown: join(__dirname, 'packages/redis/test/support/redis-cluster-teardown.ts'),
};

const config: Config = {
  projects: [
    project('nestjs', 'packages/nestjs', ['<rootDir>/test/**/*.spec.ts']),
    project('testing', 'packages/testing', ['<rootDir>/test/**/*.spec.ts']),
    project('redis', 'packages/redis', ['<rootDir>/test/**/*.spec.ts'], {
      ...needsRedis,
      ...notCluster,
      globals: { expectedIoredisMajor: 5 },
    }),
    project('redis-ioredis6', 'packages/redis', ['<rootDir>/test/**/*.spec.ts'], { ...withIoredis6, ...notCluster }),
    project('redis-cluster', 'packages/redis', redisClusterMatch, {
      ...needsRedisCluster,
      globals: { expectedIoredisMajor: 5 },
    }),
    project('redis-cluster-ioredis6', 'packages/redis', redisClusterMatch, {
      ...withIoredis6,
      ...needsRedisCluster,
    }),
    project('postgres', 'packages/postgres', ['<rootDir>/test/**/*.spec.ts'], {
      ...needsPostgres,
      globals: { expectedTypeormVersion: '1.' },
    }),
    project('postgres-typeorm03', 'packages/postgres', ['<rootDir>/test/adapters/typeorm.spec.ts'], withTypeorm03),
    project('rabbitmq', 'packages/rabbitmq', ['<rootDir>/test/**/*.spec.ts'], needsRabbitMq),
    project('nats', 'packages/nats', ['<rootDir>/test/**/*.spec.ts'], needsNats),
    project('pino', 'packages/pino', ['<rootDir>/test/**/*.spec.ts']),
    project('opentelemetry', 'packages/opentelemetry', ['<rootDir>/test/**/*.spec.ts'], needsRedis),
    project('prometheus', 'packages/prometheus', ['<rootDir>/test/**/*.spec.ts'], needsPostgres),
    project('terminus', 'packages/terminus', ['<rootDir>/test/**/*.spec.ts'], {
      globalSetup: join(__dirname, 'packages/terminus/test/support/ensure-redis-and-postgres.ts'),
    }),
    project('casl', 'packages/casl', ['<rootDir>/test/**/*.spec.ts']),
    project('sample-app', 'sample-app', ['<rootDir>/test/**/*.spec.ts']),
    project('e2e', 'e2e', ['<rootDir>/**/*.e2e-spec.ts'], needsRedis),
  ],
};

export default config;
