import { median } from '../harness/stats';
import { ContenderDefinition, ContenderFamily, ValidationMode } from './contender';
import { InProcessWorkerResult } from './in-process-worker';

/** Every measured run of every contender that ran, by contender id. */
export class InProcessResults {
  private readonly runs = new Map<string, InProcessWorkerResult[]>();

  constructor(readonly contenders: readonly ContenderDefinition[]) {
    for (const contender of contenders) this.runs.set(contender.id, []);
  }

  add(id: string, result: InProcessWorkerResult): void {
    this.runs.get(id)!.push(result);
  }

  of(id: string): readonly InProcessWorkerResult[] {
    return this.runs.get(id) ?? [];
  }

  /** The contenders of one validation mode, in table order. */
  inMode(validation: ValidationMode): ContenderDefinition[] {
    return this.contenders.filter((contender) => contender.validation === validation);
  }

  /** The contender of `family` in `validation` mode, when it ran. */
  find(family: ContenderFamily, validation: ValidationMode): ContenderDefinition | undefined {
    return this.contenders.find((contender) => contender.family === family && contender.validation === validation);
  }

  /** Median throughput over the measured runs; NaN when the contender did not run. */
  medianThroughput(contender: ContenderDefinition | undefined): number {
    return contender ? median(this.of(contender.id).map((run) => run.measured.throughput)) : Number.NaN;
  }
}
