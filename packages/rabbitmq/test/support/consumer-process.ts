import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** One JSON line the consumer process printed. */
export interface ConsumerEvent {
  event: 'ready' | 'started' | 'handled' | 'closing' | 'closed' | 'error';
  pid: number;
  sequence?: number;
  attempt?: number;
  message?: string;
}

const ROOT = join(__dirname, '../../../..');

/** `fixtures/consumer-process.ts` in a node process of its own, and the events it printed. */
export class ConsumerProcess {
  readonly events: ConsumerEvent[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(env: { url: string; prefix: string; messageClass: string; group: string; concurrency: number }) {
    this.child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, '../fixtures/consumer-process.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          TS_NODE_SWC: 'true',
          RABBIT_URL: env.url,
          RABBIT_PREFIX: env.prefix,
          RABBIT_CLASS: env.messageClass,
          RABBIT_GROUP: env.group,
          RABBIT_CONCURRENCY: String(env.concurrency),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as ConsumerEvent);
      } catch {
        // not one of ours
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Sequences of the given event, in the order printed. */
  sequences(event: 'started' | 'handled'): number[] {
    return this.events.filter((entry) => entry.event === event).map((entry) => entry.sequence as number);
  }

  async waitFor(what: string, predicate: (events: ConsumerEvent[]) => boolean, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      const failed = this.events.find((entry) => entry.event === 'error');
      if (failed) throw new Error(`consumer process failed: ${failed.message}\n${this.stderr}`);
      if (this.child.exitCode !== null)
        throw new Error(`consumer process exited with ${this.child.exitCode} before ${what}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Lets every held handler finish. */
  release(): void {
    this.child.stdin!.write('release\n');
  }

  /** SIGKILL: no shutdown, nothing acknowledged that was not already. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the process closes its transport. */
  terminate(): void {
    this.child.kill('SIGTERM');
  }

  whenExited(): Promise<number | null> {
    return this.exited;
  }
}
