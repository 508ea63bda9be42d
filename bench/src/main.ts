/**
 * `pnpm bench [name ...] [options]`: runs the selected benchmarks (all by default), prints
 * progress, and writes each one's section of docs/benchmarks.md.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { BenchmarkContext } from './harness/benchmark';
import { BENCHMARKS, loadBenchmark } from './harness/benchmarks';
import { parseCliOptions, UsageError } from './harness/cli-options';
import { describeMachine } from './harness/machine';
import { writeSection } from './harness/results-document';
import { sourceRevision } from './harness/source-revision';
import { runWorkerProcess } from './harness/worker-process';

const BENCH_ROOT = join(__dirname, '..');
const RESULTS_PAGE = join(BENCH_ROOT, '../docs/benchmarks.md');
const WORKER_TIMEOUT_MS = 10 * 60_000;

function progress(line: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stdout.write(`[${time}] ${line}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseCliOptions(argv, BENCH_ROOT);
  const known = BENCHMARKS.map((benchmark) => benchmark.name);
  const names = options.benchmarks.length > 0 ? options.benchmarks : known;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`no benchmark named ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const machine = describeMachine();
  const command = ['pnpm bench', ...argv.filter((arg) => arg !== '--')].join(' ');
  progress(
    `${command}: ${names.join(', ')} on ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}`,
  );
  for (const name of names) {
    const benchmark = await loadBenchmark(name);
    const context: BenchmarkContext = {
      options,
      machine,
      command,
      revision: sourceRevision(join(BENCH_ROOT, '..')),
      progress: (line) => progress(`${name}: ${line}`),
      runWorker: (task, workerOptions) =>
        runWorkerProcess(name, task, {
          benchRoot: BENCH_ROOT,
          cpuProfileDir: options.cpuProfileDir,
          timeoutMs: WORKER_TIMEOUT_MS,
          nodeArgs: workerOptions?.nodeArgs,
          onProgress: (line) => progress(`${name}: ${line}`),
        }),
    };
    const section = await benchmark.run(context);
    if (options.write) {
      writeSection(RESULTS_PAGE, name, section);
      progress(`${name}: wrote its section of docs/benchmarks.md`);
    } else {
      process.stdout.write(`\n${section}\n\n`);
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
