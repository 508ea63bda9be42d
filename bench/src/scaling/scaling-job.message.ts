import { IsInt, IsString, Min } from 'class-validator';
import { Message } from '@smart-message/nestjs';

/** The message's name, and so the last part of its stream's key. */
export const SCALING_JOB = 'ScalingJob';

/**
 * The message of every scaling run: a durable job whose `round` and `seq` let the consumers
 * book each delivery without a side channel, padded with `body` to the payload size.
 */
@Message({ name: SCALING_JOB, description: 'Scaling benchmark job; round and seq identify it' })
export class ScalingJob {
  @IsInt()
  @Min(0)
  round!: number;

  @IsInt()
  @Min(0)
  seq!: number;

  @IsString()
  body!: string;
}

/** Builds jobs whose JSON is `payloadBytes` long (give or take the digits of round and seq). */
export function jobFactory(payloadBytes: number): (round: number, seq: number) => ScalingJob {
  const build = (round: number, seq: number, body: string): ScalingJob => {
    const job = new ScalingJob();
    job.round = round;
    job.seq = seq;
    job.body = body;
    return job;
  };
  const bare = JSON.stringify(build(10, 100_000, '')).length;
  const body = 'x'.repeat(Math.max(0, payloadBytes - bare));
  return (round, seq) => build(round, seq, body);
}
