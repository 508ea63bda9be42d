import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SampleLimits } from '../sample-app/src/common/sample-limits';
import { bootSampleApp, BootOptions } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { readActivity } from './support/inspect-sample-app';
import { AS_OPERATOR, OPERATOR_TOKEN } from './support/operator-token';

type Method = 'get' | 'post' | 'put' | 'delete';

/** Every route that reads dead letter payloads, replays or purges them, or injects faults. */
const OPERATOR_ENDPOINTS: [Method, string, object?][] = [
  ['get', '/dead-letters'],
  ['get', '/dead-letters/stats'],
  ['get', '/dead-letters/some-id'],
  ['post', '/dead-letters/some-id/replay'],
  ['post', '/dead-letters/replay', {}],
  ['delete', '/dead-letters'],
  ['get', '/payments/gateway'],
  ['put', '/payments/gateway', { down: true }],
  ['put', '/fulfillment/skus/FAIL-LAMP'],
];

const orderFor = (sku: string) => ({ sku, quantity: 1, unitPriceCents: 900, customerEmail: 'cy@example.com' });

describe('sample app: operator endpoints', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(options: BootOptions = {}): Promise<INestApplication> {
    app = await bootSampleApp(options);
    return app;
  }

  const call = (target: INestApplication, [method, path, body]: [Method, string, object?]) => {
    const pending = request(target.getHttpServer())[method](path);
    return body === undefined ? pending : pending.send(body);
  };

  it('refuses every operator endpoint with 403 naming SAMPLE_ADMIN_TOKEN while the variable is unset', async () => {
    const target = await boot({ adminToken: null });

    for (const endpoint of OPERATOR_ENDPOINTS) {
      const response = await call(target, endpoint).set(AS_OPERATOR);
      expect([endpoint[0], endpoint[1], response.status]).toEqual([endpoint[0], endpoint[1], 403]);
      expect(response.body.message).toContain('start the app with SAMPLE_ADMIN_TOKEN set');
    }
  });

  it('refuses every operator endpoint with 401 without the token or with a wrong one', async () => {
    const target = await boot();
    const wrong = [
      {},
      { Authorization: `Bearer ${OPERATOR_TOKEN}x` },
      { Authorization: `Bearer ${OPERATOR_TOKEN.slice(0, -1)}` },
      { Authorization: OPERATOR_TOKEN },
      { Authorization: `Basic ${Buffer.from(`admin:${OPERATOR_TOKEN}`).toString('base64')}` },
    ];

    for (const endpoint of OPERATOR_ENDPOINTS) {
      for (const headers of wrong) {
        const response = await call(target, endpoint).set(headers);
        expect([endpoint[1], headers, response.status]).toEqual([endpoint[1], headers, 401]);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
        expect(response.body.message).toContain('send SAMPLE_ADMIN_TOKEN as "Authorization: Bearer <token>"');
      }
    }
    // Nothing the refused calls asked for happened: the gateway is up and FAIL-LAMP is still unknown.
    expect((await request(target.getHttpServer()).get('/payments/gateway').set(AS_OPERATOR)).body).toMatchObject({
      down: false,
    });
  });

  it('lets the right token through', async () => {
    const target = await boot();

    await request(target.getHttpServer()).get('/dead-letters').set(AS_OPERATOR).expect(200);
    await request(target.getHttpServer()).put('/payments/gateway').set(AS_OPERATOR).send({ failNext: 0 }).expect(200);
    await request(target.getHttpServer()).put('/fulfillment/skus/FAIL-LAMP').set(AS_OPERATOR).expect(204);
  });

  it("serves the README's order flow without a token, whether one is configured or not", async () => {
    for (const adminToken of [null, undefined]) {
      const target = await boot({ adminToken });
      const http = () => request(target.getHttpServer());

      const placed = await http().post('/orders').send(orderFor('MUG-01')).expect(201);
      await http()
        .get(`/orders/${(placed.body as { orderId: string }).orderId}`)
        .expect(200);
      await http().get('/activity').expect(200);
      await http().post('/broadcasts').send({ text: 'Store closes early today' }).expect(201);
      await http().post('/broadcasts?to=fulfillment').send({ text: 'Inventory at noon' }).expect(201);
      await http().get('/messages/stats').expect(200);
      await http().get('/messages/catalog').expect(200);
      await http().get('/metrics').expect(200);
      await http().get('/health').expect(200);
      await http().get('/health/ready').expect(200);
      await target.close();
      app = undefined;
    }
  });

  describe('replay and purge are bounded', () => {
    async function failedOrders(target: INestApplication, count: number): Promise<void> {
      for (let index = 0; index < count; index++) {
        await request(target.getHttpServer()).post('/orders').send(orderFor('FAIL-LAMP')).expect(201);
      }
      await eventually(async () => {
        const stats = await request(target.getHttpServer()).get('/dead-letters/stats').set(AS_OPERATOR).expect(200);
        expect(stats.body).toMatchObject({ total: count });
      });
    }

    it('refuses an empty replay filter without a limit, and a limit over 100', async () => {
      const target = await boot();
      await failedOrders(target, 3);
      const replay = (body: object) =>
        request(target.getHttpServer()).post('/dead-letters/replay').set(AS_OPERATOR).send(body);

      const refused = await replay({}).expect(400);
      expect(refused.body.message).toContain('An empty filter matches every dead letter');
      await replay({ via: 'transport' }).expect(400);
      await replay({ messageClass: 'OrderPlaced', limit: 101 }).expect(400);

      const bounded = await replay({ limit: 2 }).expect(200);
      expect(bounded.body.outcomes).toHaveLength(2);
    });

    // 101 orders, each a signed and encrypted payment request–reply, then 100 replays: more than jest's
    // default 5 s on a loaded 2-core machine. A budget, not an assertion on speed.
    it('replays at most 100 entries for a filter that names no limit', async () => {
      const target = await boot();
      await failedOrders(target, 101);

      const replayed = await request(target.getHttpServer())
        .post('/dead-letters/replay')
        .set(AS_OPERATOR)
        .send({ messageClass: 'OrderPlaced' })
        .expect(200);

      expect(replayed.body.outcomes).toHaveLength(100);
    }, 60_000);

    it('purges everything only with ?all=true', async () => {
      const target = await boot();
      await failedOrders(target, 2);
      const purge = (query: object) =>
        request(target.getHttpServer()).delete('/dead-letters').set(AS_OPERATOR).query(query);

      const refused = await purge({}).expect(400);
      expect(refused.body.message).toContain('send ?all=true to purge them all');
      expect((await purge({ all: 'true' }).expect(200)).body).toEqual({ purged: 2 });
    });
  });

  describe('what the public endpoints keep in memory is bounded', () => {
    it('forgets the oldest order, the oldest added article and the oldest activity past their bounds', async () => {
      const target = await boot({ limits: new SampleLimits(3, 2, 5) });
      const http = () => request(target.getHttpServer());

      const orderIds: string[] = [];
      for (let index = 0; index < 4; index++) {
        const placed = await http().post('/orders').send(orderFor('MUG-01')).expect(201);
        orderIds.push((placed.body as { orderId: string }).orderId);
      }
      await http().get(`/orders/${orderIds[0]}`).expect(404);
      for (const orderId of orderIds.slice(1)) await http().get(`/orders/${orderId}`).expect(200);

      // Four orders make far more than five handler calls; the journal keeps the newest five.
      await eventually(async () => {
        const activity = await readActivity(target);
        expect(activity).toHaveLength(5);
        expect(activity.some((entry) => entry.messageClass === 'OrderShipped')).toBe(true);
      });

      for (const sku of ['FAIL-A', 'FAIL-B', 'FAIL-C']) {
        await http().put(`/fulfillment/skus/${sku}`).set(AS_OPERATOR).expect(204);
      }
      await http().post('/orders').send(orderFor('FAIL-A')).expect(201);
      await http().post('/orders').send(orderFor('FAIL-C')).expect(201);
      await eventually(async () => {
        const listed = await http().get('/dead-letters').set(AS_OPERATOR).expect(200);
        const skus = (listed.body as { entries: { envelope: { payload: string } }[] }).entries.map(
          (entry) => (JSON.parse(entry.envelope.payload) as { sku: string }).sku,
        );
        expect(skus).toEqual(['FAIL-A']);
      });
    });
  });
});
