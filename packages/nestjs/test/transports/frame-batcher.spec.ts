import { FrameBatcher, FrameBatcherOptions, FrameBatchFormat } from '@smart-message/nestjs/transport-kit';

/** A format of the test's own: `<count>|<sizes>` then the frames, one per line. */
const format: FrameBatchFormat = {
  overheadBytes: 4,
  overheadPerFrameBytes: 3,
  encode: (frames, sizes) => `${frames.length}|${sizes.join(',')}\n${frames.join('\n')}`,
};

interface Sent {
  destination: string;
  message: string;
}

function batcher(options: Partial<FrameBatcherOptions> = {}): { batcher: FrameBatcher; sent: Sent[] } {
  const sent: Sent[] = [];
  const created = new FrameBatcher({
    maxMessages: 100,
    maxDelayMs: 0,
    maxBytes: 1024,
    format,
    send: async (destination, message) => void sent.push({ destination, message }),
    ...options,
  });
  return { batcher: created, sent };
}

const frames = (message: string): string[] => message.split('\n').slice(1);

describe('FrameBatcher', () => {
  it('sends the frames published in one turn as one message per destination, in publish order', async () => {
    const { batcher: batches, sent } = batcher();
    await Promise.all([
      batches.add('a', 'one'),
      batches.add('b', 'x'),
      batches.add('a', 'two'),
      batches.add('a', 'três'),
    ]);
    expect(sent).toEqual([
      { destination: 'a', message: '3|3,3,5\none\ntwo\ntrês' },
      { destination: 'b', message: '1|1\nx' },
    ]);
  });

  it('sends a batch at once when it holds maxMessages frames', async () => {
    const { batcher: batches, sent } = batcher({ maxMessages: 2, maxDelayMs: 60_000 });
    await Promise.all([batches.add('a', 'one'), batches.add('a', 'two')]);
    expect(sent.map(({ message }) => frames(message))).toEqual([['one', 'two']]);
    const third = batches.add('a', 'three');
    await batches.flushAll();
    await third;
    expect(sent.map(({ message }) => frames(message))).toEqual([['one', 'two'], ['three']]);
  });

  it('starts a new batch when one more frame would take the message past maxBytes', async () => {
    // 4 + (10 + 3) * 2 = 30 bytes fit; a third frame would make 43.
    const { batcher: batches, sent } = batcher({ maxBytes: 40 });
    const frame = 'x'.repeat(10);
    await Promise.all([batches.add('a', frame), batches.add('a', frame), batches.add('a', frame)]);
    expect(sent.map(({ message }) => frames(message).length)).toEqual([2, 1]);
  });

  it('waits maxDelayMs for more frames', async () => {
    const { batcher: batches, sent } = batcher({ maxDelayMs: 50 });
    const started = Date.now();
    const first = batches.add('a', 'one');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = batches.add('a', 'two');
    await Promise.all([first, second]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(sent.map(({ message }) => frames(message))).toEqual([['one', 'two']]);
  });

  it('rejects every publish of a batch the broker did not take, with its error', async () => {
    const refused = new Error('broker away');
    const { batcher: batches } = batcher({ send: () => Promise.reject(refused) });
    const results = await Promise.allSettled([batches.add('a', 'one'), batches.add('a', 'two')]);
    expect(results).toEqual([
      { status: 'rejected', reason: refused },
      { status: 'rejected', reason: refused },
    ]);
  });

  it('flushAll sends what waits for its delay, and resolves even when a send fails', async () => {
    let fail = true;
    const sent: string[] = [];
    const { batcher: batches } = batcher({
      maxDelayMs: 60_000,
      send: async (destination) => {
        if (fail && destination === 'a') throw new Error('broker away');
        sent.push(destination);
      },
    });
    const a = batches.add('a', 'one').catch((error: Error) => error.message);
    const b = batches.add('b', 'two');
    await batches.flushAll();
    fail = false;
    await expect(a).resolves.toBe('broker away');
    await expect(b).resolves.toBeUndefined();
    expect(sent).toEqual(['b']);
  });
});
