import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { Message, MessageBus, SmartMessageError, UndeliverableMessage } from '@smart-message/nestjs';
import { PubSubBatchOptions, RedisPubSubTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { uniquePrefix } from '../support/redis-keys';

/**
 * Shortcut: with `batch`, frames published to one channel in a turn go out as one PUBLISH in the
 * length-prefixed batch format, and receivers split it (the transport kit's FrameBatcher,
 * pubsub/batch-frame.ts). Its twin is the same transport without `batch`: one PUBLISH per frame.
 */

@Message({ name: 'BatchTick', from: 'hot-paths' })
class BatchTick {
  @IsInt() seq!: number;
  @IsString() pad!: string;
}

@Message({ name: 'BatchTock', from: 'hot-paths' })
class BatchTock {
  @IsInt() seq!: number;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const MAX_FRAME_BYTES = 8 * 1024;

async function run(batch: PubSubBatchOptions | undefined) {
  const prefix = uniquePrefix('hot-batch');
  const undeliverable: UndeliverableMessage[] = [];
  const transport = new RedisPubSubTransport({
    prefix,
    logger: silent,
    maxFrameBytes: MAX_FRAME_BYTES,
    ...(batch ? { batch } : {}),
  });
  const bus = new MessageBus({
    entity: 'hot-paths',
    transports: { pubsub: transport },
    onUndeliverable: (event) => void undeliverable.push(event),
  });
  const ticks: string[] = [];
  const tocks: number[] = [];
  try {
    await bus.subscribe(BatchTick, (tick) => void ticks.push(`${tick.seq}:${tick.pad.length}`), { concurrency: 1 });
    await bus.subscribe(BatchTock, (tock) => void tocks.push(tock.seq), { concurrency: 1 });
    await bus.start();

    // One turn: 250 ticks (more than one batch), tocks on another channel in between, frames of
    // sizes that fill a batch's bytes early, and one frame too large to send at all.
    const outcomes: Promise<string>[] = [];
    const settle = (label: string, published: Promise<unknown>): void =>
      void outcomes.push(
        published.then(
          () => `${label}: sent`,
          (error: SmartMessageError) => `${label}: ${error.name} ${error.code}`,
        ),
      );
    for (let seq = 0; seq < 250; seq++) {
      const pad = 'x'.repeat(seq % 50 === 7 ? 3000 : 10);
      settle(`tick ${seq}`, bus.publish(Object.assign(new BatchTick(), { seq, pad })));
      if (seq % 40 === 0) settle(`tock ${seq}`, bus.publish(Object.assign(new BatchTock(), { seq })));
    }
    settle('too large', bus.publish(Object.assign(new BatchTick(), { seq: 999, pad: 'x'.repeat(MAX_FRAME_BYTES) })));
    const published = await Promise.all(outcomes);

    await waitFor(
      () => ticks.length === 250 && tocks.length === 7,
      () => `250 ticks and 7 tocks (${ticks.length}, ${tocks.length})`,
    );
    await bus.idle();
    return { published, ticks, tocks, undeliverable: undeliverable.map((event) => event.reason) };
  } finally {
    await bus.shutdown(1000);
  }
}

describe('hot path: pub/sub publishes batched', () => {
  it('delivers the same messages in the same order, and refuses the same frame, as one PUBLISH per frame', async () => {
    const batched = await run({ maxMessages: 100 });
    const single = await run(undefined);

    expect(batched).toEqual(single);
    expect(single.published).toContain('too large: FrameTooLargeError SM_FRAME_TOO_LARGE');
    expect(single.ticks.slice(0, 3)).toEqual(['0:10', '1:10', '2:10']);
  });

  it('delivers the same with a delay that holds batches open across turns', async () => {
    expect(await run({ maxMessages: 1000, maxDelayMs: 5 })).toEqual(await run(undefined));
  });
});
