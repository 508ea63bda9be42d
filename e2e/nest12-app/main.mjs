/*
 * A NestJS 12 application, ES modules, no build step: decorators are applied as the functions they
 * are. e2e/nest12.e2e-spec.ts installs the packed @smart-message packages into a copy of this
 * folder and runs it with `node --import ./trace-loads.mjs main.mjs`.
 *
 * Each check prints one JSON line `{"check":"<name>",...}` with what it observed, or with `error`;
 * the spec decides what is right. Other output (Nest's warnings and errors) is not JSON.
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), SM_PREFIX (the Redis key and channel
 * prefix of this run, so that parallel runs never meet; every key under it is removed at the end),
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and SM_SCHEMA (the PostgreSQL
 * schema of this run, dropped at the end).
 */
import 'reflect-metadata';
import {
  Catch,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import {
  DeadLetterQueue,
  MemoryTransport,
  Message,
  MessageBus,
  SmartMessageModule,
  Subscribe,
  getMessage,
  isSmartMessageContext,
} from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { PostgresTransport } from '@smart-message/postgres';
import pg from 'pg';
import { SmartMessageHealthIndicator, SmartMessageHealthModule, SmartMessageReadiness } from '@smart-message/terminus';
import { PrometheusMessageObserver, SmartMessagePrometheusModule } from '@smart-message/prometheus';
import { caslPolicy } from '@smart-message/casl';
import { defineAbility } from '@casl/ability';
import { IsString } from 'class-validator';
import { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import { tap } from 'rxjs';
import { loadedFileType, tracedModules } from './trace-loads.mjs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = process.env.SM_PREFIX ?? `smart-message-nest12-${process.pid}:`;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = process.env.SM_SCHEMA ?? `sm_nest12_${process.pid}`;
/** Only bounds a wait for something that never comes; a check that hits it fails. */
const WAIT_BOUND_MS = 20_000;

const report = (check, observed) => process.stdout.write(`${JSON.stringify({ check, ...observed })}\n`);
const describeError = (error) => ({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });

function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

function bounded(promise, what) {
  let timer;
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${WAIT_BOUND_MS} ms`)), WAIT_BOUND_MS);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

const decorateMethod = (decorators, target, key) =>
  Reflect.decorate(decorators, target.prototype, key, Object.getOwnPropertyDescriptor(target.prototype, key));

// Message types: one per check, so that no handler sees another check's message.
function messageClass(name, transport) {
  const type = { [name]: class {} }[name];
  IsString()(type.prototype, 'text');
  Message({ name, ...(transport ? { transport } : {}) })(type);
  return type;
}
const MemoryPing = messageClass('MemoryPing', 'memory');
const PubSubPing = messageClass('PubSubPing', 'pubsub');
const StreamsPing = messageClass('StreamsPing', 'streams');
const PostgresPing = messageClass('PostgresPing', 'postgres');
const GuardedPing = messageClass('GuardedPing', 'memory');
const InterceptedPing = messageClass('InterceptedPing', 'memory');
const FailingPing = messageClass('FailingPing', 'memory');
const CaslPing = messageClass('CaslPing');

const received = { memory: deferred(), pubsub: deferred(), streams: deferred(), postgres: [] };
const postgresArrived = [deferred(), deferred()];
const seen = { guard: deferred(), guardedHandlerCalls: 0, interceptor: deferred(), order: [], filter: deferred() };
const undeliverable = [];
const rejected = deferred();

// Transports: one handler each.
class TransportHandlers {
  onMemory(message, context) {
    received.memory.resolve(observe(message, context, MemoryPing));
  }
  onPubSub(message, context) {
    received.pubsub.resolve(observe(message, context, PubSubPing));
  }
  onStreams(message, context) {
    received.streams.resolve(observe(message, context, StreamsPing));
  }
  onPostgres(message, context) {
    received.postgres.push(observe(message, context, PostgresPing));
    postgresArrived[received.postgres.length - 1]?.resolve();
  }
}
const observe = (message, context, type) => ({
  text: message.text,
  instanceOfMessageClass: message instanceof type,
  transport: context.transport,
  handlerId: context.handlerId,
  from: context.header.from,
});
decorateMethod([Subscribe(MemoryPing)], TransportHandlers, 'onMemory');
decorateMethod([Subscribe(PubSubPing)], TransportHandlers, 'onPubSub');
decorateMethod([Subscribe(StreamsPing)], TransportHandlers, 'onStreams');
decorateMethod([Subscribe(PostgresPing)], TransportHandlers, 'onPostgres');
Injectable()(TransportHandlers);

// Enhancers: a guard that refuses, an interceptor around a handler, a filter that sees a failure.
class RefuseGuard {
  canActivate(context) {
    seen.guard.resolve({
      messageContext: isSmartMessageContext(context),
      contextType: context.getType(),
      text: getMessage(context)?.text,
    });
    return false;
  }
}
Injectable()(RefuseGuard);

class AroundInterceptor {
  intercept(context, next) {
    seen.order.push('interceptor:before');
    const observed = { messageContext: isSmartMessageContext(context), text: getMessage(context)?.text };
    return next.handle().pipe(
      tap((value) => {
        seen.order.push('interceptor:after');
        seen.interceptor.resolve({ ...observed, handlerReturned: value, order: [...seen.order] });
      }),
    );
  }
}
Injectable()(AroundInterceptor);

class FailureFilter {
  catch(exception, host) {
    seen.filter.resolve({
      errorName: exception?.name,
      errorMessage: exception?.message,
      messageContext: isSmartMessageContext(host),
      text: getMessage(host)?.text,
    });
  }
}
Catch()(FailureFilter);

class EnhancedHandlers {
  refused() {
    seen.guardedHandlerCalls += 1;
  }
  intercepted() {
    seen.order.push('handler');
    return 'handled';
  }
  fails() {
    throw new Error('the handler failed on purpose');
  }
}
decorateMethod([Subscribe(GuardedPing), UseGuards(RefuseGuard)], EnhancedHandlers, 'refused');
decorateMethod([Subscribe(InterceptedPing), UseInterceptors(AroundInterceptor)], EnhancedHandlers, 'intercepted');
decorateMethod([Subscribe(FailingPing), UseFilters(FailureFilter)], EnhancedHandlers, 'fails');
Injectable()(EnhancedHandlers);

// Terminus: liveness over every transport, readiness of the bus.
class HealthController {
  constructor(checks, messaging, readiness) {
    this.checks = checks;
    this.messaging = messaging;
    this.readiness = readiness;
  }
  liveness() {
    return this.checks.check([
      () => this.messaging.transports('transports', { timeoutMs: 2000 }),
      () => this.readiness.ready('messageBus'),
    ]);
  }
}
Inject(HealthCheckService)(HealthController, undefined, 0);
Inject(SmartMessageHealthIndicator)(HealthController, undefined, 1);
Inject(SmartMessageReadiness)(HealthController, undefined, 2);
decorateMethod([Get(), HealthCheck()], HealthController, 'liveness');
Controller('health')(HealthController);

const quiet = { log() {}, warn: console.warn, error: console.error };

class AppModule {}
Module({
  imports: [
    SmartMessageModule.forRootAsync({
      imports: [SmartMessagePrometheusModule.forRoot({ serveMetrics: true })],
      inject: [PrometheusMessageObserver],
      useFactory: (metrics) => ({
        entity: 'nest12',
        transports: {
          memory: new MemoryTransport(),
          pubsub: new RedisPubSubTransport({ url: REDIS_URL, prefix: `${PREFIX}channel:`, logger: quiet }),
          streams: new RedisStreamsTransport({
            url: REDIS_URL,
            prefix: `${PREFIX}stream:`,
            logger: quiet,
            blockMs: 500,
          }),
          postgres: new PostgresTransport({ connectionString: DATABASE_URL, schema: SCHEMA, logger: quiet }),
        },
        defaultTransport: 'memory',
        observers: [metrics],
        onUndeliverable: (event) => {
          undeliverable.push({
            reason: event.reason,
            handlerId: event.handlerId,
            messageClass: event.envelope?.header.messageClass ?? null,
            transport: event.transport,
            errorName: event.error?.name,
            errorCode: event.error?.code,
          });
          if (event.reason === 'rejected') rejected.resolve();
        },
      }),
    }),
    TerminusModule.forRoot(),
    SmartMessageHealthModule,
  ],
  controllers: [HealthController],
  providers: [TransportHandlers, EnhancedHandlers],
})(AppModule);

async function check(name, run) {
  try {
    report(name, await run());
  } catch (error) {
    report(name, describeError(error));
  }
}

/** The handlers whose calls finish with a succeeded or failed count (the guarded one is never called). */
const HANDLER_IDS = [
  'TransportHandlers.onMemory',
  'TransportHandlers.onPubSub',
  'TransportHandlers.onStreams',
  'TransportHandlers.onPostgres',
  'EnhancedHandlers.intercepted',
  'EnhancedHandlers.fails',
];

const ping = (type, text) => Object.assign(new type(), { text });

/**
 * The CASL policy on a bus of its own (its deny stays out of the app's dead letters). The ability
 * comes from @casl/ability's ES module build, imported here; the policy, CommonJS, requires the
 * CommonJS build: it must judge an ability of the other build by what it can do, not its class.
 */
async function caslCheck(require) {
  const ability = defineAbility((can) => can('handle', 'CaslPing', { text: { $in: ['allowed'] } }));
  const handled = [];
  const denied = deferred();
  const bus = new MessageBus({
    entity: 'nest12',
    transports: { memory: new MemoryTransport() },
    logger: quiet,
    onUndeliverable: (event) => denied.resolve({ reason: event.reason, message: event.error?.message }),
  });
  const allowed = deferred();
  const handler = (message) => {
    handled.push(message.text);
    allowed.resolve();
  };
  await bus.subscribe(CaslPing, handler, { authorize: caslPolicy(() => ability) });
  await bus.start();
  try {
    await bus.publish(ping(CaslPing, 'refused'));
    await bus.publish(ping(CaslPing, 'allowed'));
    const deny = await bounded(denied.promise, 'the CASL deny');
    await bounded(allowed.promise, 'the allowed CaslPing');
    return { handled, deny, abilityOfTheEsmBuild: !(ability instanceof require('@casl/ability').Ability) };
  } finally {
    await bus.shutdown(1000);
  }
}

async function main() {
  const require = createRequire(import.meta.url);
  report('versions', {
    node: process.version,
    nestCore: require('@nestjs/core/package.json').version,
    nestCommon: require('@nestjs/common/package.json').version,
    nestTerminus: require('@nestjs/terminus/package.json').version,
    ioredis: require('ioredis/package.json').version,
  });

  let app;
  try {
    app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    report('boot', describeError(error));
    await app?.close().catch(() => undefined);
    return false;
  }
  report('boot', { booted: true });
  const { port } = app.getHttpServer().address();
  const url = (path) => `http://127.0.0.1:${port}${path}`;
  const bus = app.get(MessageBus);

  await check('memory', async () => {
    await bus.publish(ping(MemoryPing, 'over memory'));
    return bounded(received.memory.promise, 'MemoryPing handler');
  });
  await check('redis-pubsub', async () => {
    await bus.publish(ping(PubSubPing, 'over pub/sub'));
    return bounded(received.pubsub.promise, 'PubSubPing handler');
  });
  await check('redis-streams', async () => {
    await bus.publish(ping(StreamsPing, 'over streams'));
    return bounded(received.streams.promise, 'StreamsPing handler');
  });
  await check('postgres', async () => {
    await bus.publish(ping(PostgresPing, 'over postgres'));
    await bounded(postgresArrived[0].promise, 'PostgresPing handler');
    return received.postgres[0];
  });
  // Publishing inside the caller's own pg transaction: the rolled-back one never arrives, the
  // committed one (published after it) does, and is the second and last the handler sees.
  await check('postgres-transaction', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query('BEGIN');
      await bus.publish(ping(PostgresPing, 'rolled back'), { transaction: client });
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await bus.publish(ping(PostgresPing, 'committed'), { transaction: client });
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await bounded(postgresArrived[1].promise, 'the committed PostgresPing');
    return { texts: received.postgres.map((observed) => observed.text) };
  });
  await check('guard', async () => {
    await bus.publish(ping(GuardedPing, 'to be refused'));
    const guard = await bounded(seen.guard.promise, 'RefuseGuard');
    await bounded(rejected.promise, 'the rejected report');
    return { guard, handlerCalls: seen.guardedHandlerCalls };
  });
  await check('interceptor', async () => {
    await bus.publish(ping(InterceptedPing, 'intercepted'));
    return bounded(seen.interceptor.promise, 'AroundInterceptor');
  });
  await check('filter', async () => {
    await bus.publish(ping(FailingPing, 'fails'));
    return bounded(seen.filter.promise, 'FailureFilter');
  });
  await check('terminus', async () => {
    const response = await fetch(url('/health'));
    return { status: response.status, body: await response.json() };
  });
  await check('prometheus', async () => {
    // The counters of a handler call are observed once the call has finished, which is a little
    // after the handler resolved the check above: read until every handler's call is counted.
    const deadline = Date.now() + WAIT_BOUND_MS;
    for (;;) {
      const response = await fetch(url('/metrics'));
      const text = await response.text();
      const samples = text.split('\n').filter((line) => /^smart_message_[a-z_]+_total\{/.test(line));
      const finished = HANDLER_IDS.every((handlerId) =>
        samples.some(
          (line) => /^smart_message_(succeeded|failed)_total\{/.test(line) && line.includes(`handler="${handlerId}"`),
        ),
      );
      if (finished || Date.now() > deadline) {
        return { status: response.status, contentType: response.headers.get('content-type'), samples };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  await check('casl', () => caslCheck(require));

  const deadLetterQueue = app.get(DeadLetterQueue);
  await check('dead-letters', async () => {
    const stats = await deadLetterQueue.stats();
    return { total: stats.total, byReason: stats.byReason };
  });

  // class-validator-jsonschema is CommonJS, loaded by the library's build under an ES module app.
  await check('asyncapi', async () => {
    const document = bus.catalog.toAsyncApi();
    return {
      asyncapi: document.asyncapi,
      streamsAddress: document.channels['StreamsPing.streams']?.address,
      receive: document.operations['TransportHandlers.onStreams']?.action,
      payload: document.components.schemas['StreamsPing.v1'],
    };
  });

  await app.close();
  // After close, every handler call has finished and been reported.
  report('undeliverable', { events: undeliverable });
  report('file-type', { loaded: loadedFileType(), tracedModules: tracedModules() });
  return true;
}

async function dropSchema() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  } catch (error) {
    report('schema-cleanup', describeError(error));
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function removeKeys() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    const [, left] = await redis.scan('0', 'MATCH', `${PREFIX}*`, 'COUNT', 100_000);
    report('cleanup', { keysLeft: left.length });
  } catch (error) {
    report('cleanup', describeError(error));
  } finally {
    redis.disconnect();
  }
}

let booted = false;
try {
  booted = await main();
} catch (error) {
  report('main', describeError(error));
} finally {
  await removeKeys();
  await dropSchema();
}
process.exitCode = booted ? 0 : 1;
