import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Min } from 'class-validator';
import { Message } from '@smart-message/nestjs';

/**
 * What every scenario's message carries: the original's five properties under their original
 * names, which are also the names on the wire.
 */
export interface ScenarioPayload {
  scenario_id: string;
  message_id: string;
  /** Seconds since the epoch when the message was built (the original's `Time.now.to_f`). */
  timestamp: number;
  /** Iterations of the handler's CPU loop, in the scenarios that have one. */
  computation_cycles?: number;
  /** Seconds the handler sleeps, in the scenarios that sleep. */
  sleep_duration?: number;
}

export type ScenarioMessageType = new () => ScenarioPayload;

/** Every scenario's messages are sent from here, as in the original. */
export const BENCHMARK_SENDER = 'benchmark-service';

/**
 * Defines one scenario's message class, as the original's `define_message_class` does: one
 * class per scenario, all with the same properties (the first three required), sent from
 * `benchmark-service`. A worker defines only the class of the scenario it runs.
 */
export function defineScenarioMessage(name: string): ScenarioMessageType {
  @Message({ name, from: BENCHMARK_SENDER, description: `${name}: one message of the original's benchmark` })
  class ScenarioMessage implements ScenarioPayload {
    @IsString()
    @IsNotEmpty()
    scenario_id!: string;

    @IsString()
    @IsNotEmpty()
    message_id!: string;

    @IsNumber()
    timestamp!: number;

    @IsOptional()
    @IsInt()
    @Min(0)
    computation_cycles?: number;

    @IsOptional()
    @IsNumber()
    @Min(0)
    sleep_duration?: number;
  }
  return ScenarioMessage;
}
