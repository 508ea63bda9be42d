import type { Cluster, Redis } from 'ioredis';
import { hashSlot } from '../cluster/hash-slot';
import { nodeKeyOf } from '../cluster/slot-owner';
import { isClusterClient, RedisClient } from '../connection/redis-client';

/**
 * Ends a blocking XREADGROUP early (CLIENT UNBLOCK), so a change to the streams read or a
 * shutdown takes effect at once instead of after `blockMs`. CLIENT UNBLOCK must reach the
 * server that holds the blocked connection, by that connection's id.
 */
export interface ReadUnblocker {
  /** Learns the id of the connection the next read of `keys` is sent on. */
  beforeRead(keys: readonly string[]): Promise<void>;
  /** Unblocks the read in flight; a read it cannot reach ends by its BLOCK timeout. */
  unblock(): Promise<void>;
}

export function readUnblocker(reader: RedisClient, commands: () => RedisClient): ReadUnblocker {
  return isClusterClient(reader)
    ? new ClusterReadUnblocker(reader, commands)
    : new ServerReadUnblocker(reader, commands);
}

/** One server: the reader's CLIENT ID, asked again after each reconnect, unblocked from the command connection. */
class ServerReadUnblocker implements ReadUnblocker {
  private id?: number;
  private stale = true;

  constructor(
    private readonly reader: Redis,
    private readonly commands: () => RedisClient,
  ) {
    reader.on('ready', () => {
      this.stale = true;
    });
  }

  async beforeRead(): Promise<void> {
    if (!this.stale) return;
    this.id = (await this.reader.client('ID')) as number;
    this.stale = false;
  }

  async unblock(): Promise<void> {
    if (this.id === undefined) return;
    await this.commands()
      .client('UNBLOCK', this.id)
      .catch(() => undefined);
  }
}

/**
 * A cluster: ioredis would send CLIENT ID and CLIENT UNBLOCK to any node (redis/ioredis#1270),
 * so both go to the primary that serves the stream's slot, found in the reader's slot map: the
 * id from the reader's own connection to it, the unblock from the command Cluster's connection to
 * the same node. A read sent elsewhere after a slot move is not reached and ends by its BLOCK.
 */
class ClusterReadUnblocker implements ReadUnblocker {
  /** Connection ids by node connection of the reader; dropped when that connection closes. */
  private readonly ids = new Map<Redis, number>();
  private target?: { nodeKey: string; id: number };

  constructor(
    private readonly reader: Cluster,
    private readonly commands: () => RedisClient,
  ) {}

  async beforeRead(keys: readonly string[]): Promise<void> {
    this.target = undefined;
    if (keys.length === 0) return;
    const nodeKey = this.reader.slots[hashSlot(keys[0])]?.[0];
    const node = nodeKey
      ? this.reader.nodes('master').find((candidate) => nodeKeyOf(candidate) === nodeKey)
      : undefined;
    if (!nodeKey || !node) return;
    let id = this.ids.get(node);
    if (id === undefined) {
      id = (await node.client('ID')) as number;
      this.ids.set(node, id);
      node.once('close', () => this.ids.delete(node));
    }
    this.target = { nodeKey, id };
  }

  async unblock(): Promise<void> {
    const target = this.target;
    const commands = this.commands();
    if (!target || !isClusterClient(commands)) return;
    const node = commands.nodes('master').find((candidate) => nodeKeyOf(candidate) === target.nodeKey);
    await node?.client('UNBLOCK', target.id).catch(() => undefined);
  }
}
