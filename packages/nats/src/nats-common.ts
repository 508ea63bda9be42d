import { InvalidOptionError } from '@smart-message/nestjs';
import type { ManagedNatsConnectionOptions } from './connection/managed-nats-connection';
import type { NatsCommonOptions } from './interfaces/nats-transport-options.interface';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** The shared options of both transports, checked and with their defaults. */
export function resolveCommon(options: NatsCommonOptions, owner: string) {
  const maxAttempts = options.reconnect?.maxAttempts ?? -1;
  if (!Number.isInteger(maxAttempts) || maxAttempts < -1)
    throw new InvalidOptionError(owner, 'reconnect.maxAttempts', maxAttempts, '-1 (forever) or a non-negative integer');
  const connection: ManagedNatsConnectionOptions = {
    connectionName: options.connectionName ?? 'smart-message',
    reconnectWaitMs: positiveInteger(options.reconnect?.waitMs ?? 250, 'reconnect.waitMs', owner),
    maxReconnectAttempts: maxAttempts,
  };
  return {
    url: options.url ?? DEFAULT_NATS_URL,
    prefix: options.prefix ?? 'sm',
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs ?? 5000, 'connectTimeoutMs', owner),
    publishTimeoutMs: positiveInteger(options.publishTimeoutMs ?? 10_000, 'publishTimeoutMs', owner),
    maxBufferedPublishes: positiveInteger(options.maxBufferedPublishes ?? 10_000, 'maxBufferedPublishes', owner),
    connection,
  };
}

export function positiveInteger(value: number, name: string, owner: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(owner, name, value, 'a positive integer');
  return value;
}

/** `work`, or a rejection with `message` after `timeoutMs`; the timer never outlives it. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(message)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
