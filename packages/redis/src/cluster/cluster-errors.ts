/**
 * Replies a cluster gives while its topology changes: the command is retried, never treated as
 * a lost consumer group or a fatal error.
 * - `UNBLOCKED the stream key no longer exists`: a blocked XREADGROUP whose slot moved to another
 *   node (Redis 7.0); the group and its pending entries moved with the key.
 * - `MOVED` / `ASK`: ioredis follows them up to `maxRedirections`, then gives up with
 *   "Too many Cluster redirections".
 * - `TRYAGAIN` (a multi-key command during a slot migration), `CLUSTERDOWN` (a failover in progress),
 *   `LOADING` (a promoted replica still loading), "Failed to refresh slots cache".
 */
const TOPOLOGY_CHANGE =
  /^UNBLOCKED|^MOVED |^ASK |^TRYAGAIN|^CLUSTERDOWN|^LOADING|Too many Cluster redirections|Failed to refresh slots cache/;

export function isClusterTopologyError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return TOPOLOGY_CHANGE.test(message);
}
