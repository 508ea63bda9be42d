import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { MessageBus } from '@smart-message/nestjs';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';
import { ownDeadLetterFile } from './support/own-dead-letter-file';

describe('sample app: health over HTTP (memory transports)', () => {
  let deadLetters: { remove(): void };
  let app: INestApplication;

  beforeEach(async () => {
    // Dead letters go to this test's own file, so the readiness check starts from an empty queue.
    deadLetters = ownDeadLetterFile('health');
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
    deadLetters.remove();
  });

  it('answers GET /health with every transport up', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);

    expect(response.body).toMatchObject({
      status: 'ok',
      info: {
        transports: {
          status: 'up',
          transports: {
            durable: { kind: 'memory', up: true, closed: false },
            broadcast: { kind: 'memory', up: true, closed: false },
          },
        },
      },
      error: {},
    });
  });

  it('answers GET /health/ready with 503 and the open circuit while a breaker is open, and stays live', async () => {
    await expect(
      app
        .get(MessageBus)
        .circuitBreakers.execute('warehouse', { threshold: 1, halfOpenAfterMs: 60_000 }, () =>
          Promise.reject(new Error('warehouse down')),
        ),
    ).rejects.toThrow('warehouse down');

    const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
    await request(app.getHttpServer()).get('/health').expect(200);

    expect(response.body).toMatchObject({
      status: 'error',
      error: { circuitBreakers: { status: 'down', circuits: { warehouse: 'open' }, open: ['warehouse'] } },
    });
  });

  it('answers GET /health/ready with the bus open, no circuit open, no dead letters and nothing in flight', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);

    expect(response.body).toEqual({
      status: 'ok',
      info: {
        messageBus: { status: 'up', state: 'open' },
        circuitBreakers: { status: 'up', circuits: {} },
        deadLetters: { status: 'up', entries: 0, maxEntries: 100, byReason: {} },
        inFlight: { status: 'up', inFlight: 0, max: 1000 },
      },
      error: {},
      details: {
        messageBus: { status: 'up', state: 'open' },
        circuitBreakers: { status: 'up', circuits: {} },
        deadLetters: { status: 'up', entries: 0, maxEntries: 100, byReason: {} },
        inFlight: { status: 'up', inFlight: 0, max: 1000 },
      },
    });
  });
});
