import type { DestinationStream } from 'pino';

/** One JSON line pino wrote, parsed. */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string };

/** pino's numeric levels, as they appear in the written lines. */
export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** A pino destination that keeps every line it is given, to assert on what was really written. */
export class CapturedLog implements DestinationStream {
  private readonly raw: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.length > 0) this.raw.push(line);
  }

  /** The lines exactly as pino wrote them. */
  lines(): string[] {
    return [...this.raw];
  }

  records(): LogRecord[] {
    return this.raw.map((line) => JSON.parse(line) as LogRecord);
  }

  /** Records whose `msg` is the text or matches the pattern. */
  withMessage(text: string | RegExp): LogRecord[] {
    return this.records().filter((record) =>
      typeof text === 'string' ? record.msg === text : text.test(String(record.msg)),
    );
  }

  clear(): void {
    this.raw.length = 0;
  }
}
