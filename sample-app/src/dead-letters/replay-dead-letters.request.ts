import { ReplayVia } from '@smart-message/nestjs';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DeadLetterFilterQuery } from './dead-letter-filter.query';

export const REPLAY_VIAS = ['handler', 'transport'] as const satisfies readonly ReplayVia[];

/** Query of `POST /dead-letters/:id/replay`. */
export class ReplayViaQuery {
  @IsOptional()
  @IsIn(REPLAY_VIAS)
  via?: ReplayVia;
}

/** Body of `POST /dead-letters/replay`: which entries, how, and how many at most. */
export class ReplayDeadLettersRequest extends DeadLetterFilterQuery {
  @IsOptional()
  @IsIn(REPLAY_VIAS)
  via?: ReplayVia;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
