/** What a transport knows when a connection at startup failed. */
export interface ConnectionFailureDescription {
  /** The broker's name, e.g. `Redis`. */
  readonly broker: string;
  readonly endpoint: { readonly host: string; readonly port: number | string };
  /** What the transport was doing, e.g. `connecting the publisher`. */
  readonly activity: string;
  /** The kind of failure, e.g. `refused`, `auth` or `timeout`. */
  readonly failure: string;
  /** How to fix it, for this broker and kind of failure. */
  readonly fix: string;
  readonly timeoutMs: number;
  /** The client library's error, if any: its `code` or `message` is quoted. */
  readonly cause?: unknown;
}

/**
 * The one wording of a startup connection error, for every broker's transport: where it tried,
 * while doing what, the cause and the fix, e.g. `Could not connect to Redis at 127.0.0.1:6379
 * while connecting the publisher (refused: ECONNREFUSED): nothing listens there: ….`
 */
export function connectionFailureMessage(description: ConnectionFailureDescription): string {
  const { broker, endpoint, activity, failure, fix, timeoutMs } = description;
  // Duck-typed: socket errors may come from another realm (a test sandbox), failing instanceof.
  const cause = description.cause as { code?: unknown; message?: unknown } | undefined;
  const detail =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return (
    `Could not connect to ${broker} at ${endpoint.host}:${endpoint.port} while ${activity}` +
    ` (${failure}${detail ? `: ${detail}` : ''}${failure === 'timeout' ? ` after ${timeoutMs} ms` : ''}): ${fix}.`
  );
}
