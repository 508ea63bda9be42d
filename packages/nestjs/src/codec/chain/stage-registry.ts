import { InvalidOptionError } from '../../errors';
import { BrotliStage } from '../compression/brotli.stage';
import { DeflateStage } from '../compression/deflate.stage';
import { PayloadStage } from './payload-stage.interface';

const STAGE_NAME = /^[A-Za-z0-9._-]+$/;

/** Stages by the name chains give them. `deflate` and `br` are built in; one registered under a taken name replaces it. */
export class StageRegistry {
  private readonly stages = new Map<string, PayloadStage>();

  constructor(stages: readonly PayloadStage[] = []) {
    this.register(new DeflateStage());
    this.register(new BrotliStage());
    for (const stage of stages) this.register(stage);
  }

  register(stage: PayloadStage): void {
    if (!STAGE_NAME.test(stage.name))
      throw new InvalidOptionError('stages', 'name', stage.name, 'letters, digits, ".", "_" and "-" (no "+")');
    this.stages.set(stage.name, stage);
  }

  /** The stage of this name, or undefined. */
  find(name: string): PayloadStage | undefined {
    return this.stages.get(name);
  }
}
