import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MessageBus } from '@smart-message/nestjs';
import { Announcement } from '../sample-app/src/broadcasts/messages/announcement.message';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { handlersThatSaw, readActivity } from './support/inspect-sample-app';

describe('sample app: announcements travel as msgpack+deflate', () => {
  let app: INestApplication;
  let arrived: { serializer: string; text: string }[];

  beforeEach(async () => {
    app = await bootSampleApp();
    arrived = [];
    // A listener of the test's own, beside the app's handlers, to see the header each one arrived with.
    await app
      .get(MessageBus)
      .subscribe(Announcement, (announcement, context) =>
        arrived.push({ serializer: context.header.serializer, text: announcement.text }),
      );
  });

  afterEach(async () => {
    await app.close();
  });

  const announce = (text: string) =>
    request(app.getHttpServer()).post('/broadcasts').send({ text, severity: 'info' }).expect(201);

  it('deflates a long announcement, and every handler reads it whole', async () => {
    const policy = 'Returns are accepted within 30 days with the receipt. '.repeat(60); // 3.3 KB
    await announce(policy);

    await eventually(async () => expect(arrived).toEqual([{ serializer: 'msgpack+deflate', text: policy }]));
    await eventually(async () =>
      expect(handlersThatSaw(await readActivity(app), 'Announcement')).toEqual([
        'NotificationsService.onAnnouncement',
        'PaymentsService.onAnnouncement',
      ]),
    );
  });

  it('sends a short one as plain msgpack: below 1 KB compression costs more than it saves', async () => {
    await announce('Store closes early today');

    await eventually(async () =>
      expect(arrived).toEqual([{ serializer: 'msgpack', text: 'Store closes early today' }]),
    );
  });
});
