import { Injectable } from '@nestjs/common';
import { Subscribe } from '@smart-message/nestjs';
import { HandlerHold } from './handler-hold';
import { ScalingJob } from './scaling-job.message';

/** The memory runs' handler, with the default concurrency: every call waits on the hold. */
@Injectable()
export class HeldJobHandler {
  constructor(private readonly hold: HandlerHold) {}

  @Subscribe()
  handle(job: ScalingJob): Promise<void> {
    return this.hold.enter(job);
  }
}
