import { describe, expect, it } from '@jest/globals';
import { waitFor } from '@smart-message/testing';

describe('waitFor', () => {
  it('resolves once the condition holds', async () => {
    let checks = 0;

    await waitFor(() => ++checks === 3, 'the third check', { intervalMs: 1 });

    expect(checks).toBe(3);
  });

  it('rejects after the timeout with what it waited for, as it stood then', async () => {
    let checks = 0;

    await expect(
      waitFor(
        () => {
          checks++;
          return false;
        },
        () => `a condition that never holds (checked ${checks} times)`,
        { timeoutMs: 20, intervalMs: 1 },
      ),
    ).rejects.toThrow(/^Timed out after 20 ms waiting for a condition that never holds \(checked \d+ times\)$/);
  });
});
