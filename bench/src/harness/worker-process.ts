import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WorkerTask } from './benchmark';
import { CPU_PROFILE_DIR_ENV } from './cpu-profile';
import { PROGRESS_LINE_PREFIX, RESULT_LINE_PREFIX, WORKER_TASK_ENV, WorkerEnvelope } from './worker-protocol';

export interface WorkerProcessOptions {
  benchRoot: string;
  /** Where the worker writes CPU profiles of its measured work, when profiling. */
  cpuProfileDir?: string;
  /** A worker still running after this long is killed and the task fails. */
  timeoutMs: number;
  /** More Node options for this worker, after those the main process was started with. */
  nodeArgs?: readonly string[];
  onProgress(line: string): void;
}

/**
 * Runs `src/worker.ts` for one task in a new Node process, started the way this process was
 * (same `-r` hooks, plus `nodeArgs`), and resolves with the result line it printed. Calls may
 * overlap: each has its own child process, output reader and timer.
 */
export function runWorkerProcess(benchmark: string, task: WorkerTask, options: WorkerProcessOptions): Promise<unknown> {
  const envelope: WorkerEnvelope = { benchmark, task };
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const nodeArgs = [...process.execArgv, ...(options.nodeArgs ?? [])];
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '../worker.ts')], {
    cwd: options.benchRoot,
    env: {
      ...process.env,
      TS_NODE_PROJECT: join(options.benchRoot, 'tsconfig.json'),
      TS_NODE_SWC: 'true',
      [WORKER_TASK_ENV]: JSON.stringify(envelope),
      ...(options.cpuProfileDir ? { [CPU_PROFILE_DIR_ENV]: options.cpuProfileDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: { value: unknown } | undefined;
  let unreadable: string | undefined;
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(RESULT_LINE_PREFIX)) {
      // A malformed line fails this worker, not the whole run, so the benchmark still cleans up after itself.
      try {
        result = { value: JSON.parse(line.slice(RESULT_LINE_PREFIX.length)) };
      } catch (error) {
        unreadable = (error as Error).message;
      }
    } else if (line.startsWith(PROGRESS_LINE_PREFIX)) options.onProgress(line.slice(PROGRESS_LINE_PREFIX.length));
    else if (line.trim()) options.onProgress(`  | ${line}`);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker for ${benchmark} ${JSON.stringify(task)} ran longer than ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result.value);
      else
        reject(
          new Error(
            `worker for ${benchmark} ${JSON.stringify(task)} exited with ${signal ?? code}` +
              `${result ? '' : unreadable ? ` with an unreadable result (${unreadable})` : ' without a result'}\n${stderr}`,
          ),
        );
    });
  });
}
