import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { MessageTypeDescription } from '@smart-message/nestjs';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';

describe('sample app: message catalog', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
  });

  it('lists every message type with its addressing and property rules', async () => {
    const response = await request(app.getHttpServer()).get('/messages/catalog').expect(200);
    const catalog = response.body as MessageTypeDescription[];

    expect(catalog.map((type) => type.name)).toEqual([
      'Announcement',
      'CustomerNotice',
      'OrderPlaced',
      'OrderShipped',
      'PaymentAuthorized',
      'PaymentRequested',
    ]);
    const orderPlaced = catalog.find((type) => type.name === 'OrderPlaced');
    expect(orderPlaced).toMatchObject({
      version: 2,
      from: 'orders',
      to: 'fulfillment',
      description: 'A paid order, ready to be packed and shipped',
    });
    expect(orderPlaced?.properties).toContainEqual({
      name: 'quantity',
      type: 'number',
      required: true,
      rules: expect.arrayContaining([{ name: 'min', constraints: [1], each: false }]),
    });
    const reason = catalog
      .find((type) => type.name === 'PaymentAuthorized')
      ?.properties.find((property) => property.name === 'reason');
    expect(reason).toMatchObject({ required: false, description: 'Why the charge was declined' });
  });
});
