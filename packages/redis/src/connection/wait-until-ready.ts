import type { Cluster, Redis } from 'ioredis';
import { RedisClusterConnectionError } from '../errors/redis-cluster-connection.error';
import { RedisConnectionError, RedisConnectionFailure } from '../errors/redis-connection.error';
import { isClusterClient, RedisClient } from './redis-client';
import { clusterSeeds, endpointOf } from './redis-endpoint';
import { probeSeeds } from '../cluster/probe-seeds';
import { seedAddresses, seedNodesOf } from './resolve-redis-connection';

/** Replies that no retry can fix: they end the wait at once. */
function permanentFailure(error: Error): RedisConnectionFailure | undefined {
  if (/WRONGPASS|NOAUTH|invalid password|AUTH.*called without|invalid username-password/i.test(error.message))
    return 'auth';
  if (/DB index is out of range|invalid DB index/i.test(error.message)) return 'unknown-database';
  return undefined;
}

function transientFailure(error: Error | undefined): RedisConnectionFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown-host';
  if (code === 'ETIMEDOUT' || error === undefined) return 'timeout';
  return 'unreachable';
}

/**
 * Resolves once `client` is ready. Fails with RedisConnectionError on a refusal no retry can
 * fix (credentials, database index), or after `timeoutMs` with the last connection error seen:
 * a Redis that is still starting gets until then to answer. The client keeps reconnecting
 * afterwards; the caller decides whether to close it.
 */
export function waitUntilReady(client: RedisClient, activity: string, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (isClusterClient(client)) return waitUntilClusterReady(client, activity, timeoutMs);
  return waitUntilServerReady(client, activity, timeoutMs);
}

function waitUntilServerReady(client: Redis, activity: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const finish = (error?: RedisConnectionError): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const fail = (failure: RedisConnectionFailure, cause?: Error): void =>
      finish(new RedisConnectionError(endpointOf(client), failure, activity, timeoutMs, { cause }));
    const onError = (error: Error): void => {
      lastError = error;
      const failure = permanentFailure(error);
      if (failure) fail(failure, error);
    };
    // A failed SELECT is reported as an error just before 'ready': the error listener has run.
    const onReady = (): void => finish();
    const onEnd = (): void => fail(transientFailure(lastError), lastError);
    const timer = setTimeout(() => fail(transientFailure(lastError), lastError), timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
    client.once('end', onEnd);
    if (client.status === 'wait') client.connect().catch(() => undefined);
  });
}

/**
 * A cluster is ready once it has the slot map and a connection to its nodes. ioredis reports a
 * failed attempt as "Failed to refresh slots cache" with the last node's error in
 * `lastNodeError`: that is the cause worth naming. Wrong credentials end the wait at once.
 */
function waitUntilClusterReady(client: Cluster, activity: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    // The socket error of a node (ECONNREFUSED, ENOTFOUND) says more than the cluster-wide one that follows.
    let nodeError: Error | undefined;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('node error', onNodeError);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    let failing = false;
    const fail = (cause?: Error): void => {
      if (failing) return;
      failing = true;
      void probeSeeds(seedAddresses(clusterSeeds(client))).then((probes) =>
        finish(
          new RedisClusterConnectionError(seedNodesOf(clusterSeeds(client)), activity, timeoutMs, {
            cause: nodeError ?? cause,
            probes,
          }),
        ),
      );
    };
    const onError = (error: Error): void => {
      lastError = (error as Error & { lastNodeError?: Error }).lastNodeError ?? error;
      if (permanentFailure(lastError)) fail(lastError);
    };
    const onNodeError = (error: Error): void => {
      if ((error as NodeJS.ErrnoException).code !== undefined || permanentFailure(error)) nodeError = error;
      if (permanentFailure(error)) fail(error);
    };
    const onReady = (): void => finish();
    const onEnd = (): void => fail(lastError);
    const timer = setTimeout(() => fail(lastError), timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
    client.on('node error', onNodeError);
    client.once('end', onEnd);
    if (client.status === 'wait') client.connect().catch(() => undefined);
  });
}
