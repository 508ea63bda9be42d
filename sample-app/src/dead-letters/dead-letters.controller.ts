import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { DeadLetterQueue, DeadLetterStats, ReplayReport } from '@smart-message/nestjs';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { DeadLetterFilterQuery } from './dead-letter-filter.query';
import { DeadLetterView, viewOf } from './dead-letter-view';
import { filtersSomething } from './filters-something';
import { ListDeadLettersQuery } from './list-dead-letters.query';
import { PurgeDeadLettersQuery } from './purge-dead-letters.query';
import { MAX_REPLAY_PER_REQUEST, ReplayDeadLettersRequest, ReplayViaQuery } from './replay-dead-letters.request';

const DEFAULT_PAGE_SIZE = 50;

/**
 * The dead letter queue over HTTP: look, replay once the cause is fixed, or purge. Entries carry
 * whole payloads (customer emails here) and a replay runs handlers again, so every route is an
 * operator endpoint behind `SAMPLE_ADMIN_TOKEN`.
 */
@UseGuards(AdminTokenGuard)
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterQueue) {}

  @Get()
  async list(
    @Query() query: ListDeadLettersQuery,
  ): Promise<{ entries: DeadLetterView[]; total: number; offset: number; limit: number }> {
    const page = await this.deadLetters.list({ ...query, limit: query.limit ?? DEFAULT_PAGE_SIZE });
    return { ...page, entries: page.entries.map(viewOf) };
  }

  @Get('stats')
  stats(@Query() filter: DeadLetterFilterQuery): Promise<DeadLetterStats> {
    return this.deadLetters.stats(filter);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<DeadLetterView> {
    const entry = await this.deadLetters.get(id);
    if (entry === undefined) throw new NotFoundException(`No dead letter ${id}`);
    return viewOf(entry);
  }

  /** Straight to the handler that failed (default when there is one), or `?via=transport`. */
  @Post(':id/replay')
  @HttpCode(200)
  async replayOne(@Param('id') id: string, @Query() { via }: ReplayViaQuery): Promise<ReplayReport> {
    const report = await this.deadLetters.replay(id, via === undefined ? {} : { via });
    if (report.outcomes[0]?.status === 'not-found') throw new NotFoundException(`No dead letter ${id}`);
    return report;
  }

  /**
   * The oldest entries the body's filter matches, at most `limit` (default and maximum
   * MAX_REPLAY_PER_REQUEST). An empty filter would match every entry, so it needs a `limit`.
   */
  @Post('replay')
  @HttpCode(200)
  replayMatching(@Body() { via, limit, ...filter }: ReplayDeadLettersRequest): Promise<ReplayReport> {
    if (limit === undefined && !filtersSomething(filter)) {
      throw new BadRequestException(
        `An empty filter matches every dead letter: name messageClass, handlerId, reason, since or until, ` +
          `or send a limit (at most ${MAX_REPLAY_PER_REQUEST}) to replay that many of the oldest`,
      );
    }
    return this.deadLetters.replay(filter, {
      ...(via === undefined ? {} : { via }),
      limit: limit ?? MAX_REPLAY_PER_REQUEST,
    });
  }

  /** Removes what the query's filter matches; everything only with `?all=true`. */
  @Delete()
  async purge(@Query() { all, ...filter }: PurgeDeadLettersQuery): Promise<{ purged: number }> {
    if (all === undefined && !filtersSomething(filter)) {
      throw new BadRequestException(
        'An empty filter matches every dead letter: name messageClass, handlerId, reason, since or until, ' +
          'or send ?all=true to purge them all',
      );
    }
    return { purged: await this.deadLetters.purge(filter) };
  }
}
