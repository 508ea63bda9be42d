import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import type { QueueBacklog } from '@smart-message/nestjs';

/** Group and class as the transport writes them into a consumer's description. */
export function describeConsumer(group: string, messageClass: string): string {
  return JSON.stringify({ smartMessage: 1, group, messageClass });
}

/**
 * A durable consumer's counts as a `QueueBacklog`: `num_pending` (in the stream, not yet
 * delivered to the group) is its lag, `num_ack_pending` (delivered, not yet acknowledged, naks
 * waiting out their delay included) what is being handled. JetStream does not tell how old the
 * oldest pending message is, so `oldestDueAgeMs` is 0.
 */
export function backlogOf(
  info: ConsumerInfo,
  fallback?: { group: string; messageClass: string },
): QueueBacklog | undefined {
  const named = parseDescription(info.config.description) ?? fallback;
  if (!named) return undefined;
  return {
    group: named.group,
    messageClass: named.messageClass,
    ready: info.num_pending,
    delayed: 0,
    leased: info.num_ack_pending,
    oldestDueAgeMs: 0,
  };
}

/** Every consumer of every stream whose name starts with `streamPrefix_` (the dead letter stream aside). */
export async function allBacklogs(
  jsm: JetStreamManager,
  streamPrefix: string,
  deadLetterStream: string,
): Promise<QueueBacklog[]> {
  const backlogs: QueueBacklog[] = [];
  for await (const stream of jsm.streams.list()) {
    const name = stream.config.name;
    if (!name.startsWith(`${streamPrefix}_`) || name === deadLetterStream) continue;
    for await (const consumer of jsm.consumers.list(name)) {
      const backlog = backlogOf(consumer);
      if (backlog) backlogs.push(backlog);
    }
  }
  return backlogs;
}

function parseDescription(description: string | undefined): { group: string; messageClass: string } | undefined {
  if (!description) return undefined;
  try {
    const parsed = JSON.parse(description) as { smartMessage?: unknown; group?: unknown; messageClass?: unknown };
    if (parsed.smartMessage === 1 && typeof parsed.group === 'string' && typeof parsed.messageClass === 'string')
      return { group: parsed.group, messageClass: parsed.messageClass };
  } catch {
    // not ours
  }
  return undefined;
}
