import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { MemoryTransport, Message, MessageBus } from '@smart-message/nestjs';

/**
 * Shortcut: `publishedAt` is built once per millisecond and shared by the messages published in
 * it (envelope/header-factory.ts). Its twin is what it saves: `new Date(now).toISOString()` for
 * every message, compared over a clock that repeats, steps, jumps and goes back.
 */

@Message({ name: 'ClockProbe', from: 'hot-paths' })
class ClockProbe {
  @IsInt() seq!: number;
}

describe('hot path: one timestamp string per millisecond', () => {
  afterEach(() => jest.restoreAllMocks());

  it('gives every message the timestamp of its own millisecond', async () => {
    const bus = new MessageBus({ entity: 'hot-paths', transports: { memory: new MemoryTransport() } });
    const base = Date.UTC(2026, 10, 27, 23, 59, 59, 998);
    // Repeats (a burst), the next millisecond, a day change, a jump, a clock set back, and back again.
    const clock = [base, base, base + 1, base + 2, base + 2, base + 86_400_000, base - 5, base - 5, base, base + 1];
    let now = base;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const got: [string, string][] = [];
    for (const [seq, at] of clock.entries()) {
      now = at;
      const header = await bus.publish(Object.assign(new ClockProbe(), { seq }));
      got.push([header.publishedAt, new Date(at).toISOString()]);
    }
    await bus.shutdown();

    for (const [shortcut, twin] of got) expect(shortcut).toBe(twin);
  });
});
