import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { DeadLetterQueue, DeadLetterStats, ReplayReport } from '@smart-message/nestjs';
import { DeadLetterFilterQuery } from './dead-letter-filter.query';
import { DeadLetterView, viewOf } from './dead-letter-view';
import { ListDeadLettersQuery } from './list-dead-letters.query';
import { ReplayDeadLettersRequest, ReplayViaQuery } from './replay-dead-letters.request';

const DEFAULT_PAGE_SIZE = 50;

/** The dead letter queue over HTTP: look, replay once the cause is fixed, or purge. */
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

  /** Every entry the body's filter matches, oldest first (an empty body replays them all). */
  @Post('replay')
  @HttpCode(200)
  replayMatching(@Body() { via, limit, ...filter }: ReplayDeadLettersRequest): Promise<ReplayReport> {
    return this.deadLetters.replay(filter, {
      ...(via === undefined ? {} : { via }),
      ...(limit === undefined ? {} : { limit }),
    });
  }

  /** Removes what the query's filter matches; without one, everything. */
  @Delete()
  async purge(@Query() filter: DeadLetterFilterQuery): Promise<{ purged: number }> {
    return { purged: await this.deadLetters.purge(filter) };
  }
}
