import { Controller, Get } from '@nestjs/common';
import { ActivityEntry } from './activity-entry.interface';
import { ActivityJournal } from './activity-journal';

@Controller('activity')
export class ActivityController {
  constructor(private readonly journal: ActivityJournal) {}

  @Get()
  list(): ActivityEntry[] {
    return this.journal.list();
  }
}
