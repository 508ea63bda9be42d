import { IsIn, IsOptional } from 'class-validator';
import { DeadLetterFilterQuery } from './dead-letter-filter.query';

/** Query of `DELETE /dead-letters`: a filter, or `all=true` to purge everything. */
export class PurgeDeadLettersQuery extends DeadLetterFilterQuery {
  /** Without a filter, nothing is purged unless this says so: an empty query is more often a slip than a wish. */
  @IsOptional()
  @IsIn(['true'])
  all?: 'true';
}
