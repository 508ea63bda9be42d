import { Message } from '@smart-message/nestjs';
import { BenchOrder } from '../shared/bench-order';

/**
 * The message every contender sends: the shared order DTO as a message type, with its
 * class-validator rules (our contenders validate it on publish and on receipt).
 */
@Message({ name: 'BenchOrderPlaced', description: 'Benchmark order; sentAt is performance.now() at publish' })
export class BenchOrderPlaced extends BenchOrder {}

/** What a receiver reads from any contender's message. */
export interface ReceivedOrder {
  seq: number;
  sentAt: number;
}
