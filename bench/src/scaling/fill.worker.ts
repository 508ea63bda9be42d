import { jobFactory } from './scaling-job.message';
import { jobPublisher } from './job-publisher';
import { publishJobs } from './publish-jobs';

export interface FillTask {
  role: 'fill';
  redisUrl: string;
  streamPrefix: string;
  messages: number;
  payloadBytes: number;
  maxInFlight: number;
}

/** Publishes one backlog of jobs (round 0) and exits: the stream then waits for its consumer. */
export async function runFill(task: FillTask): Promise<{ ms: number }> {
  const bus = jobPublisher(task.redisUrl, task.streamPrefix);
  try {
    return { ms: await publishJobs(bus, jobFactory(task.payloadBytes), 0, task.messages, task.maxInFlight) };
  } finally {
    await bus.shutdown(5000);
  }
}
