import { StatisticsSnapshot } from '@smart-message/nestjs';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityEntry } from '../../sample-app/src/activity/activity-entry.interface';

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'sample-app/src/main.ts');
/** Only bounds a child that never comes up; a slow machine needs several seconds per child. */
const READY_WITHIN_MS = 90_000;
const READY_POLL_MS = 100;
/** SIGTERM runs the graceful shutdown; a child still alive after this is killed. */
const STOP_WITHIN_MS = 15_000;
/** Enough of a child's output to explain why it failed. */
const KEPT_OUTPUT_CHARS = 20_000;

export interface HttpResponse<T> {
  status: number;
  body: T;
}

/** The sample app's `main.ts` running in a child process, reached over HTTP on its own port. */
export class SampleServiceProcess {
  readonly baseUrl: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private output = '';

  constructor(
    readonly name: string,
    port: number,
    env: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', MAIN],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          TS_NODE_SWC: 'true',
          PORT: String(port),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Resolves once the app answers HTTP, which it does only after its bus has subscribed. */
  async ready(): Promise<void> {
    const deadline = Date.now() + READY_WITHIN_MS;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${this.name} exited before it was ready:\n${this.output}`);
      }
      if (await this.answers()) return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer HTTP in time:\n${this.output}`);
      await sleep(READY_POLL_MS);
    }
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${path} on ${this.name} answered ${response.status}`);
    return (await response.json()) as T;
  }

  async post<T>(path: string, body: object): Promise<HttpResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** A GET whose status the caller checks (e.g. `/health`, which answers 503 with its details when down). */
  async getResponse<T>(path: string): Promise<HttpResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  /** A GET of a text body, such as the Prometheus exposition at `/metrics`. */
  async text(path: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${path} on ${this.name} answered ${response.status}`);
    return response.text();
  }

  activity(): Promise<ActivityEntry[]> {
    return this.get<ActivityEntry[]>('/activity');
  }

  statistics(): Promise<StatisticsSnapshot> {
    return this.get<StatisticsSnapshot>('/messages/stats');
  }

  /** Graceful stop through the app's shutdown hooks; SIGKILL when it hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_WITHIN_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** A crash: SIGKILL, so no shutdown hook runs (nothing is flushed, closed or handed back). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private async answers(): Promise<boolean> {
    try {
      return (await fetch(`${this.baseUrl}/activity`)).ok;
    } catch {
      return false;
    }
  }
}
