import { QueueBacklog } from './transport-backlog.interface';
import { TransportHealthLimits } from './transport.interface';

/** The limits a health check was given, applied to one group's backlog: one line per limit exceeded. */
export function backlogProblems(backlog: QueueBacklog, limits: TransportHealthLimits): string[] {
  const where = `${backlog.messageClass} (${backlog.group})`;
  const problems: string[] = [];
  if (limits.maxLag !== undefined && backlog.ready > limits.maxLag)
    problems.push(`${where}: lag ${backlog.ready} above ${limits.maxLag}`);
  if (limits.maxPending !== undefined && backlog.leased > limits.maxPending)
    problems.push(`${where}: ${backlog.leased} pending above ${limits.maxPending}`);
  if (limits.maxOldestDueAgeMs !== undefined && backlog.oldestDueAgeMs > limits.maxOldestDueAgeMs)
    problems.push(`${where}: oldest due ${backlog.oldestDueAgeMs} ms ago, above ${limits.maxOldestDueAgeMs} ms`);
  return problems;
}
