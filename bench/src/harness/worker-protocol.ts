/** Environment variable that carries a worker's task, as JSON. */
export const WORKER_TASK_ENV = 'BENCH_WORKER_TASK';

/** Prefix of the stdout line that carries a worker's result, as JSON. */
export const RESULT_LINE_PREFIX = '@@bench-result ';

/** Prefix of stdout lines a worker prints as progress. */
export const PROGRESS_LINE_PREFIX = '@@bench-progress ';

export interface WorkerEnvelope {
  benchmark: string;
  task: Record<string, unknown>;
}
