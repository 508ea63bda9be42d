import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [ActivityModule],
  providers: [NotificationsService],
})
export class NotificationsModule {}
