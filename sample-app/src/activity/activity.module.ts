import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';
import { ActivityJournal } from './activity-journal';

@Module({
  controllers: [ActivityController],
  providers: [ActivityJournal],
  exports: [ActivityJournal],
})
export class ActivityModule {}
