import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { JsonlDeadLetterStore } from '@smart-message/nestjs';

const ROOT = join(__dirname, '../../../..');
const PER_WRITER = 250;

/** A child process appending to the file, and its stdout lines as they come. */
class Appender {
  private readonly child: ChildProcess;
  private readonly said: string[] = [];
  private stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(writer: string, file: string) {
    this.child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'fixtures/append-dead-letters.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
          TS_NODE_SWC: 'true',
          FILE: file,
          WRITER: writer,
          COUNT: String(PER_WRITER),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.said.push(line));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
  }

  async saidSo(word: string): Promise<void> {
    while (!this.said.includes(word)) {
      if (this.child.exitCode !== null) throw new Error(`appender exited with ${this.child.exitCode}: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  go(): void {
    this.child.stdin!.write('go\n');
  }

  async exitCode(): Promise<number | null> {
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

describe('JsonlDeadLetterStore shared by processes', () => {
  let directory: string;
  let appenders: Appender[] = [];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sm-jsonl-processes-'));
  });

  afterEach(() => {
    for (const appender of appenders) appender.kill();
    appenders = [];
    rmSync(directory, { recursive: true, force: true });
  });

  it('loses no line when two processes append to one file at the same time', async () => {
    const file = join(directory, 'dead-letters.jsonl');
    appenders = [new Appender('left', file), new Appender('right', file)];
    await Promise.all(appenders.map((appender) => appender.saidSo('ready')));

    for (const appender of appenders) appender.go();
    await Promise.all(appenders.map((appender) => appender.saidSo('done')));
    expect(await Promise.all(appenders.map((appender) => appender.exitCode()))).toEqual([0, 0]);

    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2 * PER_WRITER);
    const written = lines.map((line) => (JSON.parse(line) as { id: string }).id);
    expect(new Set(written).size).toBe(2 * PER_WRITER);
    const stats = await new JsonlDeadLetterStore(file).stats();
    expect(stats.total).toBe(2 * PER_WRITER);
    expect(stats.byHandler).toEqual({ 'left.handler': PER_WRITER, 'right.handler': PER_WRITER });
  }, 60_000);
});
