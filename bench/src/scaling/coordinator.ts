import { Redis } from 'ioredis';
import { ControlCommand, WorkerReport, controlChannel, reportList } from './control-protocol';
import { groupBacklog } from './group-backlog';

/** How long the main process waits for one report before it gives up on the workers. */
const REPORT_TIMEOUT_MS = 120_000;

/**
 * The main process's end of the control protocol for one set of concurrently running workers:
 * sends commands, waits for reports, and stops waiting as soon as one of the workers failed.
 */
export class Coordinator {
  private readonly commands: Redis;
  /** BRPOP blocks its connection, so reports are read on a connection of their own. */
  private readonly reports: Redis;
  private failure?: Error;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.commands = new Redis(redisUrl, { lazyConnect: true });
    this.reports = new Redis(redisUrl, { lazyConnect: true });
  }

  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.reports.connect()]);
  }

  /** Remembers the first worker that fails, so no wait outlasts it. */
  watch(workers: readonly Promise<unknown>[]): void {
    for (const worker of workers) {
      worker.catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      });
    }
  }

  async send(command: ControlCommand): Promise<void> {
    await this.commands.publish(controlChannel(this.prefix), JSON.stringify(command));
  }

  /** Waits for the next report of `kind` (reports of other kinds are not expected meanwhile). */
  async expect<K extends WorkerReport['kind']>(kind: K): Promise<Extract<WorkerReport, { kind: K }>> {
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.failure) throw this.failure;
      const popped = await this.reports.brpop(reportList(this.prefix), 1);
      if (!popped) continue;
      const report = JSON.parse(popped[1]) as WorkerReport;
      if (report.kind !== kind) throw new Error(`expected a ${kind} report, got ${popped[1]}`);
      return report as Extract<WorkerReport, { kind: K }>;
    }
    throw new Error(`no ${kind} report within ${REPORT_TIMEOUT_MS} ms`);
  }

  /** Waits until the group has read and acknowledged the whole stream. */
  async drained(stream: string, group: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      const backlog = await groupBacklog(this.commands, stream, group);
      if (backlog.caughtUp && backlog.pending === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`group ${group} on ${stream} still had work after ${timeoutMs} ms: ${JSON.stringify(backlog)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.commands.disconnect();
    this.reports.disconnect();
  }
}
