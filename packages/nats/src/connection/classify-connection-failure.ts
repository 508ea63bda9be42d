import { NatsConnectionFailure } from '../errors/nats-connection.error';

/** Names a failed connect from the socket's error code or the client's message; duck-typed across error classes. */
export function classifyConnectionFailure(error: unknown): NatsConnectionFailure {
  const described = error as
    { code?: unknown; message?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  const code = described?.code ?? described?.cause?.code;
  const message = String(described?.message ?? '');
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown-host';
    case 'ETIMEDOUT':
      return 'timeout';
  }
  if (/refused/i.test(message)) return 'refused';
  if (/authori[sz]ation|authentication|auth/i.test(message)) return 'auth';
  if (/timeout|timed out/i.test(message) || described?.name === 'TimeoutError') return 'timeout';
  return 'unreachable';
}

/** Failures that waiting cannot fix: startup gives up at once instead of retrying until the deadline. */
export function isPermanentFailure(failure: NatsConnectionFailure): boolean {
  return failure === 'auth' || failure === 'unknown-host' || failure === 'no-jetstream';
}
