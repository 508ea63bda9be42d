import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { handlersThatSaw, readActivity, readStatistics, settledCount } from './support/inspect-sample-app';

/** Every handler of Announcement, with its filter. */
const ANNOUNCEMENT_HANDLERS = [
  'NotificationsService.onAnnouncement', // { broadcast: true }
  'PaymentsService.onAnnouncement', // { broadcast: true, to: 'payments' }
  'FulfillmentService.onAnnouncement', // { to: 'fulfillment' }
];

describe('sample app: broadcasts', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
  });

  const announce = (body: object, query = '') => request(app.getHttpServer()).post(`/broadcasts${query}`).send(body);

  /** Resolves once each Announcement handler has either run or been filtered out, once. */
  const everyAnnouncementHandlerSettled = () =>
    eventually(async () => {
      const statistics = await readStatistics(app);
      for (const handlerId of ANNOUNCEMENT_HANDLERS)
        expect([handlerId, settledCount(statistics, handlerId)]).toEqual([handlerId, 1]);
    });

  it('publishes a broadcast from the module entity', async () => {
    const response = await announce({ text: 'Store closes early today' }).expect(201);

    expect(response.body).toEqual({ uuid: expect.any(String), from: 'shop', to: null });
  });

  it.each([
    ['a broadcast', '', ['NotificationsService.onAnnouncement', 'PaymentsService.onAnnouncement']],
    ['addressed to fulfillment', '?to=fulfillment', ['FulfillmentService.onAnnouncement']],
    ['addressed to payments', '?to=payments', ['PaymentsService.onAnnouncement']],
    ['addressed to an entity nobody listens as', '?to=marketing', []],
  ])('%s reaches exactly the handlers whose filters accept it', async (_case, query, expected) => {
    await announce({ text: 'Inventory count at noon', severity: 'warning' }, query).expect(201);

    await everyAnnouncementHandlerSettled();
    expect(handlersThatSaw(await readActivity(app), 'Announcement')).toEqual(expected);
    const { handlers } = await readStatistics(app);
    for (const handlerId of ANNOUNCEMENT_HANDLERS) {
      const saw = expected.includes(handlerId);
      expect({ handlerId, ...handlers[handlerId] }).toMatchObject({
        handlerId,
        delivered: saw ? 1 : 0,
        filteredOut: saw ? 0 : 1,
      });
    }
  });

  it('refuses an invalid announcement with 400 and publishes nothing', async () => {
    const response = await announce({ text: '', severity: 'loud' }).expect(400);

    expect(response.body).toMatchObject({
      message: expect.arrayContaining(['text should not be empty', expect.stringContaining('severity must be one of')]),
    });
    expect(await readStatistics(app)).toEqual({ messageTypes: {}, handlers: {}, transports: {} });
  });

  it('answers 400 when the bus refuses the message: an empty recipient is not a broadcast', async () => {
    const response = await announce({ text: 'Hello' }, '?to=').expect(400);

    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'SM_VALIDATION_FAILED',
      message: expect.any(String),
      messageClass: 'Announcement',
      violations: [
        {
          property: 'to',
          source: 'header',
          constraints: { isNotEmpty: 'to must be a non-empty string when given' },
        },
      ],
    });
    expect(await readStatistics(app)).toEqual({ messageTypes: {}, handlers: {}, transports: {} });
    expect(await readActivity(app)).toEqual([]);
  });
});
