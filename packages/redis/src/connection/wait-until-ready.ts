import type { Redis } from 'ioredis';
import { RedisConnectionError, RedisConnectionFailure } from '../errors/redis-connection.error';
import { endpointOf } from './redis-endpoint';

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
export function waitUntilReady(client: Redis, activity: string, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
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
