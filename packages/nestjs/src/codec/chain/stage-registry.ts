import { InvalidOptionError } from '../../errors';
import { BrotliStage } from '../compression/brotli.stage';
import { DeflateStage } from '../compression/deflate.stage';
import { isChainPartName } from './chain-name';
import { PayloadStage } from './payload-stage.interface';

/** Stages by the name chains give them. `deflate` and `br` are built in; one registered under a taken name replaces it. */
export class StageRegistry {
  private readonly stages = new Map<string, PayloadStage>();

  constructor(stages: readonly PayloadStage[] = []) {
    this.register(new DeflateStage());
    this.register(new BrotliStage());
    for (const stage of stages) this.register(stage);
  }

  /** Adds a stage, or replaces the one of its name; refuses a name that cannot be a chain part. */
  register(stage: PayloadStage): void {
    if (!isChainPartName(stage.name))
      throw new InvalidOptionError('stages', 'name', stage.name, 'letters, digits, ".", "_" and "-" (no "+")');
    this.stages.set(stage.name, stage);
  }

  /** Every registered stage. */
  all(): PayloadStage[] {
    return [...this.stages.values()];
  }

  /** The stage of this name, or undefined. */
  find(name: string): PayloadStage | undefined {
    return this.stages.get(name);
  }
}
