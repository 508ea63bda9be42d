import { backoffDelay } from '@smart-message/nestjs/transport-kit';

describe('backoffDelay', () => {
  it('doubles from the base at each attempt and stops growing at the ceiling', () => {
    const delays = [0, 1, 2, 3, 4, 5, 50, 5000].map((attempt) => backoffDelay(attempt, { baseMs: 10, maxMs: 500 }));
    expect(delays).toEqual([10, 20, 40, 80, 160, 320, 500, 500]);
  });

  it('with jitter waits a whole number of ms from half to all of the delay', () => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const delay = backoffDelay(attempt % 8, { baseMs: 25, maxMs: 250, jitter: true });
      const ceiling = Math.min(250, 25 * 2 ** (attempt % 8));
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it('with jitter does not hand every client the same delay', () => {
    const delays = new Set(
      Array.from({ length: 50 }, () => backoffDelay(10, { baseMs: 25, maxMs: 250, jitter: true })),
    );
    expect(delays.size).toBeGreaterThan(1);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, { baseMs: 10, maxMs: 500 })).toBe(10);
  });
});
