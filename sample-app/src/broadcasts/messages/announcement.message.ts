import { Describe, Message } from '@smart-message/nestjs';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { BROADCAST_TRANSPORT } from '../../messaging/transport-names';

export const ANNOUNCEMENT_SEVERITIES = ['info', 'warning'] as const;
export type AnnouncementSeverity = (typeof ANNOUNCEMENT_SEVERITIES)[number];

/**
 * News for every service, or for one when published with `to`. The class names no sender, so
 * `from` is the module's entity. It doubles as the HTTP body of `POST /broadcasts`. News is
 * for every running instance and worthless late, so it goes over pub/sub. A notice of store
 * policy can run to pages, so it travels as MessagePack, deflated once it passes 1 KB: every
 * instance of every service receives each one.
 */
@Message({ name: 'Announcement', transport: BROADCAST_TRANSPORT, serializer: 'msgpack+deflate' })
@Describe('News from the shop to its services')
export class Announcement {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  text!: string;

  @Describe('How loudly services should pass it on')
  @IsIn(ANNOUNCEMENT_SEVERITIES)
  severity: AnnouncementSeverity = 'info';
}
