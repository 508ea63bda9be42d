import { DeadLetterOrder } from '@smart-message/nestjs';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DeadLetterFilterQuery } from './dead-letter-filter.query';

/** Query of `GET /dead-letters`: a filter and a page. */
export class ListDeadLettersQuery extends DeadLetterFilterQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(500)
  limit?: number;

  @IsOptional()
  @IsIn(['oldest-first', 'newest-first'])
  order?: DeadLetterOrder;
}
