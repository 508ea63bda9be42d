import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ENSURE_SCRIPT = join(__dirname, '../../../../.ci/ensure-postgres');
const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster of one test file's own, on a free port, made by
 * `.ci/ensure-postgres`: the only server a test may restart. `start()` returns undefined when
 * the server binaries are not installed (the caller skips what needs it and says why).
 */
export class OwnPostgresServer {
  private constructor(
    readonly port: number,
    private readonly dataDirectory: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/test`;
  }

  /** Synchronous, so a spec can decide at collection time whether to register its cases. */
  static start(port: number): OwnPostgresServer | { unavailable: string } {
    try {
      const out = execFileSync('bash', [ENSURE_SCRIPT], { env: { ...process.env, PORT: String(port) }, stdio: 'pipe' });
      const dataDirectory = out.toString().trim();
      if (!dataDirectory) return { unavailable: `something already listens on ${port}` };
      return new OwnPostgresServer(port, dataDirectory);
    } catch (error) {
      return { unavailable: String((error as { stderr?: Buffer }).stderr ?? error).trim() };
    }
  }

  /** Stops it fast (connections are terminated) and starts it again on its data. */
  async restart(): Promise<void> {
    await run('bash', [join(this.dataDirectory, 'restart')]);
  }

  async stop(): Promise<void> {
    await run('bash', [join(this.dataDirectory, 'stop')]);
  }
}

/** A port nothing listens on right now, found synchronously (for collection time). */
export function freePortSync(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  return Number(execFileSync(process.execPath, ['-e', script]).toString());
}
