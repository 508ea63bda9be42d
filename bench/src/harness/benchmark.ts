import { BenchOptions } from './bench-options';
import { MachineDescription } from './machine';

/** What the harness gives a benchmark while it runs in the main process. */
export interface BenchmarkContext {
  readonly options: BenchOptions;
  readonly machine: MachineDescription;
  /** The command as typed, for the results page. */
  readonly command: string;
  /** The commit measured (and whether the tree differed from it), for the results page. */
  readonly revision: string;
  /** Prints a progress line. */
  progress(line: string): void;
  /**
   * Runs one unit of work in a fresh worker process (`Benchmark.work` there) and resolves with
   * what it returned. Fresh processes keep contenders from sharing heap, JIT state and peak RSS.
   * Calls may overlap: each has a process of its own, so a benchmark can run several at once.
   */
  runWorker(task: WorkerTask, options?: WorkerStartOptions): Promise<unknown>;
}

/** A unit of work for a worker process: plain JSON. */
export type WorkerTask = Record<string, unknown>;

/** How to start one worker process, beyond the way the main process was started. */
export interface WorkerStartOptions {
  /** More Node options for this worker only, e.g. `--expose-gc` or `--max-old-space-size=8192`. */
  nodeArgs?: readonly string[];
}

/** One benchmark of `pnpm bench`, e.g. `redis`. */
export interface Benchmark {
  /** What `pnpm bench <name>` selects, and the id of its section in docs/benchmarks.md. */
  readonly name: string;
  /** Heading of its section. */
  readonly title: string;
  /** Plans and runs the work (through `context.runWorker`) and returns its section's Markdown. */
  run(context: BenchmarkContext): Promise<string>;
  /** Runs in a worker process: does one task and returns a JSON-serializable result. */
  work(task: WorkerTask): Promise<unknown>;
}
