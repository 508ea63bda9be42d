import { Injectable } from '@nestjs/common';
import { Subscribe } from '@smart-message/nestjs';
import { ConsumptionLedger } from './consumption-ledger';
import { FixedWork } from './fixed-work';
import { RoundGates } from './round-gates';
import { ScalingJob } from './scaling-job.message';
import { wallClockMs } from './wall-clock';

/** The consumers' handler: waits for its round's go, does its fixed work, and books the job. */
@Injectable()
export class ScalingJobHandler {
  constructor(
    private readonly ledger: ConsumptionLedger,
    private readonly gates: RoundGates,
    private readonly work: FixedWork,
  ) {}

  @Subscribe()
  handle(job: ScalingJob): Promise<void> | void {
    const held = this.gates.wait(job.round);
    return held ? held.then(() => this.consume(job)) : this.consume(job);
  }

  private consume(job: ScalingJob): void {
    this.work.run();
    this.ledger.record(job.round, job.seq, wallClockMs());
  }
}
