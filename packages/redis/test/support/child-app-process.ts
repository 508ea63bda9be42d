import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildEvent {
  event: string;
  entity: string;
  pid: number;
  seq?: number;
  uuid?: string;
  from?: string;
  to?: string | null;
  attempt?: number;
  message?: string;
  /** `frozen` (fixtures/freeze.ts): completions before the freeze, and handlers stopped before completing. */
  completions?: number;
  stoppedBeforeCompletion?: number;
}

const ROOT = join(__dirname, '../../../..');

/** A fixture app process (fixtures/child-app.ts unless told otherwise) and the JSON lines it printed. */
export class ChildAppProcess {
  readonly events: ChildEvent[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(env: Record<string, string>, fixture = 'child-app.ts') {
    this.child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, '../fixtures', fixture),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), TS_NODE_SWC: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as ChildEvent);
      } catch {
        // not one of ours
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  handled(): ChildEvent[] {
    return this.events.filter((event) => event.event === 'handled');
  }

  async waitFor(predicate: (events: ChildEvent[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      const failed = this.events.find((event) => event.event === 'error');
      if (failed) throw new Error(`child ${this.pid} failed: ${failed.message}\n${this.stderr}`);
      if (this.child.exitCode !== null && !predicate(this.events)) {
        throw new Error(`child ${this.pid} exited with ${this.child.exitCode}\n${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting on child ${this.pid}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  ready(): Promise<void> {
    return this.waitFor((events) => events.some((event) => event.event === 'ready'));
  }

  /** SIGKILL: no shutdown hooks, nothing acknowledged that was not already. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: graceful shutdown through the app's shutdown hooks. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
