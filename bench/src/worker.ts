/**
 * Entry point of a worker process: runs one task of one benchmark (given by the main process
 * in the environment) and prints its result as one line.
 */
import 'reflect-metadata';
import { loadBenchmark } from './harness/benchmarks';
import { RESULT_LINE_PREFIX, WORKER_TASK_ENV, WorkerEnvelope } from './harness/worker-protocol';

async function main(): Promise<void> {
  const raw = process.env[WORKER_TASK_ENV];
  if (!raw) throw new Error(`${WORKER_TASK_ENV} is not set: the worker is started by src/main.ts`);
  const { benchmark, task } = JSON.parse(raw) as WorkerEnvelope;
  const result = await (await loadBenchmark(benchmark)).work(task);
  // stdout is a pipe, written asynchronously on Linux, and process.exit() does not wait for it:
  // without the callback, a result larger than the pipe's buffer would be cut off.
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(`${RESULT_LINE_PREFIX}${JSON.stringify(result)}\n`, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

main().then(
  // Leftover handles (reconnect timers of closed clients) must not keep the worker alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
