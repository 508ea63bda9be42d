import { BenchmarkContext } from './benchmark';

/** When and under what load a section's runs took place, and the Redis server they used (if any). */
export interface MeasurementFacts {
  startedAt: Date;
  loadAtStart: string;
  loadAtEnd: string;
  redisVersion?: string;
  /** The servers used, e.g. `PostgreSQL 15.19 and Redis 7.0.15 on the same machine` (instead of `redisVersion`). */
  servers?: string;
}

/**
 * The opening of every section, up to "… at the end": when, with which command, on what machine and
 * code, and the load average at the start and the end. Each section finishes the sentence itself.
 */
export function measuredOn(context: BenchmarkContext, facts: MeasurementFacts): string {
  const { machine } = context;
  const redis = facts.servers
    ? `, ${facts.servers}`
    : facts.redisVersion
      ? `, Redis ${facts.redisVersion} on the same machine`
      : '';
  return (
    `Measured ${facts.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC with \`${context.command}\` on ` +
    `${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB memory, Node ${machine.node}, ` +
    `${machine.platform}${redis}; code at ${context.revision}. Load average (1 min): ${facts.loadAtStart} at the ` +
    `start, ${facts.loadAtEnd} at the end`
  );
}
