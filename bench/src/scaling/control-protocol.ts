/**
 * How the main process and the workers of one throughput configuration talk, through Redis:
 * commands go to every worker on one pub/sub channel (so a `go` reaches all consumers at the same
 * moment), reports come back on one list (so none is lost while the main process is not waiting).
 */
export type ControlCommand =
  /** Publisher: publish `count` jobs of `round`. */
  | { kind: 'fill'; round: number; count: number }
  /** Consumers: let the handlers of `round` run. */
  | { kind: 'go'; round: number }
  /** Everyone: finish and return the result. */
  | { kind: 'stop' };

export type WorkerReport =
  /** The worker listens for commands (a consumer: its app has started and reads the stream). */
  | { kind: 'ready'; worker: string }
  /** The publisher published every job of `round`, in `ms`. */
  | { kind: 'filled'; round: number; ms: number };

export function controlChannel(prefix: string): string {
  return `${prefix}control`;
}

export function reportList(prefix: string): string {
  return `${prefix}reports`;
}
