import { MessageBus } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { performance } from 'node:perf_hooks';
import { orderFactory } from '../shared/bench-order';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { BENCH_ENTITY, SecurityVariant, createVariantKeys, variantBusOptions } from './security-variant';

/** What one subscriber process did with a full stream. */
export interface DrainResult {
  variant: SecurityVariant;
  messages: number;
  handled: number;
  refused: number;
  /** Handled ÷ (subscriber start → last handler call). */
  perSecond: number;
  /** CPU time (user + system) of the process while it drained, per message: the subscriber's whole cost. */
  cpuUs: number;
  /** 1 s of one core ÷ cpuUs: what one subscriber sustains per core when nothing else competes for it. */
  perCore: number;
}

const PUBLISH_WINDOW = 1000;
const STALL_MS = 30_000;

/**
 * Fills a Redis stream with `messages` orders of the variant (publisher bus, then shut down), then
 * starts a subscriber-only bus on the same stream (`startFrom: '0'`) and times it working the whole
 * backlog off: receive, verify, decrypt, decode, validate, handle, acknowledge. The publisher is
 * idle by then, so the CPU the process uses is the subscriber's.
 */
export async function drainStream(
  variant: SecurityVariant,
  redisUrl: string,
  prefix: string,
  messages: number,
  payloadBytes: number,
): Promise<DrainResult> {
  const keys = createVariantKeys();
  const transport = (): RedisStreamsTransport =>
    new RedisStreamsTransport({ url: redisUrl, prefix, logger: quietLogger, startFrom: '0', maxLen: 0 });
  const makeOrder = orderFactory(payloadBytes, BenchOrderPlaced);

  const publisher = new MessageBus({
    entity: BENCH_ENTITY,
    logger: quietLogger,
    transports: { bench: transport() },
    ...variantBusOptions(variant, keys),
  });
  await publisher.start();
  for (let first = 0; first < messages; first += PUBLISH_WINDOW) {
    const window: Promise<unknown>[] = [];
    for (let seq = first; seq < Math.min(messages, first + PUBLISH_WINDOW); seq++)
      window.push(publisher.publish(makeOrder(seq, performance.now())));
    await Promise.all(window);
  }
  await publisher.shutdown(5000);

  let handled = 0;
  let refused = 0;
  let lastAt = Number.NaN;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const subscriber = new MessageBus({
    entity: BENCH_ENTITY,
    logger: quietLogger,
    transports: { bench: transport() },
    ...variantBusOptions(variant, keys),
    onUndeliverable: () => void refused++,
  });
  await subscriber.subscribe(BenchOrderPlaced, () => {
    lastAt = performance.now();
    if (++handled === messages) done();
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  await subscriber.start();
  const stall = setInterval(() => {
    if (performance.now() - (Number.isNaN(lastAt) ? start : lastAt) > STALL_MS) done();
  }, 1000);
  await finished;
  clearInterval(stall);
  const used = process.cpuUsage(cpu);
  await subscriber.shutdown(5000);
  const cpuUs = (used.user + used.system) / handled;
  return {
    variant,
    messages,
    handled,
    refused,
    perSecond: (handled / (lastAt - start)) * 1000,
    cpuUs,
    perCore: 1_000_000 / cpuUs,
  };
}
