import { ReplayVia } from '@smart-message/nestjs';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DeadLetterFilterQuery } from './dead-letter-filter.query';

export const REPLAY_VIAS = ['handler', 'transport'] as const satisfies readonly ReplayVia[];

/**
 * The most entries one `POST /dead-letters/replay` replays, and what it replays when the body
 * names no `limit`: each entry runs a handler or a publish, so one request stays a bounded amount
 * of work. Replay the rest with further requests.
 */
export const MAX_REPLAY_PER_REQUEST = 100;

/** Query of `POST /dead-letters/:id/replay`. */
export class ReplayViaQuery {
  @IsOptional()
  @IsIn(REPLAY_VIAS)
  via?: ReplayVia;
}

/**
 * Body of `POST /dead-letters/replay`: which entries, how, and how many at most (default and
 * maximum `MAX_REPLAY_PER_REQUEST`). A body without a filter must say `limit`.
 */
export class ReplayDeadLettersRequest extends DeadLetterFilterQuery {
  @IsOptional()
  @IsIn(REPLAY_VIAS)
  via?: ReplayVia;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REPLAY_PER_REQUEST)
  limit?: number;
}
