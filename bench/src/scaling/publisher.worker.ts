import { jobFactory } from './scaling-job.message';
import { jobPublisher } from './job-publisher';
import { publishJobs } from './publish-jobs';
import { WorkerControl } from './worker-control';

export interface PublisherTask {
  role: 'publisher';
  redisUrl: string;
  controlPrefix: string;
  streamPrefix: string;
  payloadBytes: number;
  maxInFlight: number;
}

/** Fills the stream with a round of jobs each time the main process asks, until told to stop. */
export async function runPublisher(task: PublisherTask): Promise<{ rounds: number }> {
  const bus = jobPublisher(task.redisUrl, task.streamPrefix);
  const makeJob = jobFactory(task.payloadBytes);
  let rounds = 0;
  const control = await WorkerControl.listen(task.redisUrl, task.controlPrefix, async (command) => {
    if (command.kind !== 'fill') return;
    const ms = await publishJobs(bus, makeJob, command.round, command.count, task.maxInFlight);
    rounds++;
    await control.report({ kind: 'filled', round: command.round, ms });
  });
  try {
    await control.report({ kind: 'ready', worker: 'publisher' });
    await control.stopped;
    return { rounds };
  } finally {
    control.close();
    await bus.shutdown(5000);
  }
}
