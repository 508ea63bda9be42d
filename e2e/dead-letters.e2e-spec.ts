import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { handlersThatSaw, readActivity } from './support/inspect-sample-app';
import { AS_OPERATOR } from './support/operator-token';

/** SKUs starting with FAIL- are not on the warehouse's file until PUT /fulfillment/skus/:sku. */
const orderFor = (sku: string) => ({ sku, quantity: 1, unitPriceCents: 900, customerEmail: 'cy@example.com' });

interface ListedDeadLetter {
  id: string;
  reason: string;
  handlerId?: string;
  attempts: number;
  envelope: { header: { uuid: string; messageClass: string }; payload: string };
  error: { name: string; message: string; code?: string };
}

describe('sample app: dead letters over HTTP', () => {
  let directory: string;
  let file: string;
  let app: INestApplication;

  beforeEach(async () => {
    // The app keeps its dead letters in this test's own file, never in the repository.
    directory = mkdtempSync(join(tmpdir(), 'sample-dead-letters-'));
    file = join(directory, 'dead-letters.jsonl');
    process.env.SMART_MESSAGE_DEAD_LETTERS = file;
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
    delete process.env.SMART_MESSAGE_DEAD_LETTERS;
    rmSync(directory, { recursive: true, force: true });
  });

  const http = () => request(app.getHttpServer());

  async function placeOrder(sku: string): Promise<string> {
    const response = await http().post('/orders').send(orderFor(sku)).expect(201);
    return (response.body as { orderId: string }).orderId;
  }

  async function deadLetters(query = ''): Promise<{ entries: ListedDeadLetter[]; total: number }> {
    const response = await http().get(`/dead-letters${query}`).set(AS_OPERATOR).expect(200);
    return response.body as { entries: ListedDeadLetter[]; total: number };
  }

  it('lists a failed order, keeps it through a failed replay, and after the fix replays it into a shipment', async () => {
    const orderId = await placeOrder('FAIL-LAMP');

    const [entry] = await eventually(async () => {
      const { entries } = await deadLetters('?handlerId=FulfillmentService.onOrderPlaced');
      expect(entries).toHaveLength(1);
      return entries;
    });
    expect(entry).toMatchObject({
      reason: 'handler-failed',
      attempts: 1,
      envelope: { header: { messageClass: 'OrderPlaced' } },
      error: {
        name: 'UnknownSkuError',
        code: 'UNKNOWN_SKU',
        message: 'The warehouse has no article FAIL-LAMP on file',
      },
    });
    expect(JSON.parse(entry!.envelope.payload)).toMatchObject({ orderId, sku: 'FAIL-LAMP' });
    expect((await http().get(`/dead-letters/${entry!.id}`).set(AS_OPERATOR).expect(200)).body).toEqual(entry);
    expect((await http().get('/dead-letters/stats').set(AS_OPERATOR).expect(200)).body).toMatchObject({
      total: 1,
      byReason: { 'handler-failed': 1 },
      byMessageClass: { OrderPlaced: 1 },
      byHandler: { 'FulfillmentService.onOrderPlaced': 1 },
    });
    expect(readFileSync(file, 'utf8')).toContain(entry!.id);
    expect((await http().get(`/orders/${orderId}`).expect(200)).body).toEqual({ orderId, status: 'placed' });

    // Still not on file: the replay fails again and the entry stays, one attempt more.
    const failed = await http().post(`/dead-letters/${entry!.id}/replay`).set(AS_OPERATOR).expect(200);
    expect(failed.body).toMatchObject({ replayed: 0, failed: 1, outcomes: [{ status: 'failed', attempts: 2 }] });
    expect((await deadLetters()).entries).toEqual([expect.objectContaining({ id: entry!.id, attempts: 2 })]);

    await http().put('/fulfillment/skus/FAIL-LAMP').set(AS_OPERATOR).expect(204);
    const replayed = await http().post(`/dead-letters/${entry!.id}/replay`).set(AS_OPERATOR).expect(200);

    expect(replayed.body).toEqual({
      replayed: 1,
      failed: 0,
      skipped: 0,
      outcomes: [{ id: entry!.id, via: 'handler', status: 'replayed' }],
    });
    await eventually(async () => {
      expect((await http().get(`/orders/${orderId}`).expect(200)).body).toEqual({ orderId, status: 'shipped' });
    });
    expect(handlersThatSaw(await readActivity(app), 'OrderPlaced')).toEqual(['FulfillmentService.onOrderPlaced']);
    expect(await deadLetters()).toMatchObject({ entries: [], total: 0 });
    await http().get(`/dead-letters/${entry!.id}`).set(AS_OPERATOR).expect(404);
    await http().post(`/dead-letters/${entry!.id}/replay`).set(AS_OPERATOR).expect(404);
  });

  it('replays by filter through the transport, and purges by filter', async () => {
    const lampOrder = await placeOrder('FAIL-LAMP');
    await placeOrder('FAIL-LAMP');
    await placeOrder('FAIL-DESK');
    const oldest = await eventually(async () => {
      const { entries, total } = await deadLetters();
      expect(total).toBe(3);
      return entries[0]!;
    });
    // Each order waits for its payment answer before the next is placed, so the first failed first.
    expect(JSON.parse(oldest.envelope.payload)).toMatchObject({ orderId: lampOrder });
    await http().put('/fulfillment/skus/FAIL-LAMP').set(AS_OPERATOR).expect(204);

    const replayed = await http()
      .post('/dead-letters/replay')
      .set(AS_OPERATOR)
      .send({ messageClass: 'OrderPlaced', via: 'transport', limit: 1 })
      .expect(200);

    expect(replayed.body).toMatchObject({
      replayed: 1,
      outcomes: [{ id: oldest.id, via: 'transport', status: 'replayed' }],
    });
    await eventually(async () => {
      expect((await http().get(`/orders/${lampOrder}`).expect(200)).body).toMatchObject({ status: 'shipped' });
    });
    expect((await deadLetters('?limit=1&order=newest-first')).total).toBe(2);

    const purged = await http()
      .delete('/dead-letters')
      .set(AS_OPERATOR)
      .query({ reason: 'handler-failed' })
      .expect(200);
    expect(purged.body).toEqual({ purged: 2 });
    expect(await deadLetters()).toMatchObject({ total: 0 });
  });

  it.each(['misrouted', 'unexpected-reply', 'no-handler', 'unknown-type', 'handler-failed'])(
    'filters by the reason %s, which the library reports',
    async (reason) => {
      await http().get(`/dead-letters?reason=${reason}`).set(AS_OPERATOR).expect(200);
      await http().get(`/dead-letters/stats?reason=${reason}`).set(AS_OPERATOR).expect(200);
    },
  );

  it('refuses queries it cannot apply with 400', async () => {
    await http().get('/dead-letters?limit=lots').set(AS_OPERATOR).expect(400);
    await http().get('/dead-letters?reason=bored').set(AS_OPERATOR).expect(400);
    await http().get('/dead-letters/stats?since=yesterday').set(AS_OPERATOR).expect(400);
    await http().post('/dead-letters/some-id/replay?via=carrier-pigeon').set(AS_OPERATOR).expect(400);
  });
});
