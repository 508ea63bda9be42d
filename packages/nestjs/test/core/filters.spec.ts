import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  HandlerRegistrationError,
  InvalidFilterError,
  MemoryTransport,
  Message,
  MessageBus,
  SubscribeOptions,
  SubscriptionFilters,
} from '@smart-message/nestjs';
// The filter is core, not public API: its unit test reaches it in the sources.
import { SubscriptionFilter } from '../../src/routing/subscription-filter';
import { settled } from './wait-for';

@Message()
class Parcel {
  @IsString() label!: string;
}

/** A message as the tests address it: `to` undefined means broadcast. */
interface Addressing {
  from: string;
  to?: string;
}

const labelOf = ({ from, to }: Addressing): string => `${from}->${to ?? '*'}`;

const parcel = (addressing: Addressing): Parcel => Object.assign(new Parcel(), { label: labelOf(addressing) });

/** The recipients of §11's table: a broadcast, the subscribing service, and someone else. */
const RECIPIENTS = {
  broadcast: undefined,
  'my-service': 'my-service',
  other: 'other',
} as const;
type Recipient = keyof typeof RECIPIENTS;

/** §11 of the reference, row by row: which recipients each subscription accepts. */
const FILTER_TABLE: [row: string, filters: SubscriptionFilters, accepted: Recipient[]][] = [
  ['none', {}, ['broadcast', 'my-service', 'other']],
  ['broadcast: true', { broadcast: true }, ['broadcast']],
  ['broadcast: false alone (same as unset)', { broadcast: false }, ['broadcast', 'my-service', 'other']],
  ["to: 'my-service'", { to: 'my-service' }, ['my-service']],
  ["to: 'my-service', broadcast: true", { to: 'my-service', broadcast: true }, ['broadcast', 'my-service']],
  ["to: 'my-service', broadcast: false", { to: 'my-service', broadcast: false }, ['my-service']],
];

/** Senders and recipients of the `from` cases; 'reshipper' contains 'ship' but does not start with it. */
const TRAFFIC: Addressing[] = [
  { from: 'billing-service', to: 'warehouse' },
  { from: 'shipping', to: 'warehouse' },
  { from: 'shipping' },
  { from: 'reshipper', to: 'warehouse' },
  { from: 'audit-log', to: 'archive' },
];

const FROM_TABLE: [row: string, filters: SubscriptionFilters, accepted: string[]][] = [
  ["from: 'shipping' (exact string)", { from: 'shipping' }, ['shipping->warehouse', 'shipping->*']],
  ['from: /ship/ (matches anywhere)', { from: /ship/ }, ['shipping->warehouse', 'shipping->*', 'reshipper->warehouse']],
  ['from: /^ship/ (anchored)', { from: /^ship/ }, ['shipping->warehouse', 'shipping->*']],
  [
    "from: ['audit-log', /^bill/] (mixed array, any element)",
    { from: ['audit-log', /^bill/] },
    ['billing-service->warehouse', 'audit-log->archive'],
  ],
  ["from: 'shipping' AND to: 'warehouse'", { from: 'shipping', to: 'warehouse' }, ['shipping->warehouse']],
  ['from: /ship/ AND broadcast: true', { from: /ship/, broadcast: true }, ['shipping->*']],
  [
    'from: /ship/g (global flag keeps no state between messages)',
    { from: /ship/g },
    ['shipping->warehouse', 'shipping->*', 'reshipper->warehouse'],
  ],
  ['from: [] (matches nothing)', { from: [] }, []],
  ['to: [] (matches nothing)', { to: [] }, []],
];

describe('subscription filters (reference §11)', () => {
  describe('SubscriptionFilter', () => {
    describe.each(FILTER_TABLE)('subscription %s', (_row, filters, accepted) => {
      it.each(Object.keys(RECIPIENTS) as Recipient[])('decides a message to %s', (recipient) => {
        const filter = new SubscriptionFilter(filters);

        expect(filter.matches({ from: 'sender', to: RECIPIENTS[recipient] })).toBe(accepted.includes(recipient));
      });
    });

    it.each(FROM_TABLE)('%s', (_row, filters, accepted) => {
      const filter = new SubscriptionFilter(filters);

      const passed = TRAFFIC.filter((addressing) => filter.matches(addressing)).map(labelOf);

      expect(passed).toEqual(accepted);
    });

    it('compares strings exactly and case-sensitively', () => {
      const filter = new SubscriptionFilter({ from: 'shipping', to: 'warehouse' });

      expect(filter.matches({ from: 'Shipping', to: 'warehouse' })).toBe(false);
      expect(filter.matches({ from: 'shipping', to: 'warehouse-2' })).toBe(false);
      expect(filter.matches({ from: 'shipping', to: 'warehouse' })).toBe(true);
    });

    it('matches the same header twice in a row with a global RegExp', () => {
      const filter = new SubscriptionFilter({ to: /house/g });
      const header = { from: 'shipping', to: 'warehouse' };

      expect([filter.matches(header), filter.matches(header), filter.matches(header)]).toEqual([true, true, true]);
    });

    it.each([
      ['from as a number', { from: 42 }],
      ['to as a plain object', { to: { name: 'warehouse' } }],
      ['a number inside a from array', { from: ['shipping', 7] }],
      ['null inside a to array', { to: [/ware/, null] }],
      ['broadcast as a string', { broadcast: 'yes' }],
    ])('rejects %s with InvalidFilterError', (_case, filters) => {
      const build = (): SubscriptionFilter => new SubscriptionFilter(filters as unknown as SubscriptionFilters);

      expect(build).toThrow(InvalidFilterError);
      expect(build).toThrow(expect.objectContaining({ code: 'SM_INVALID_FILTER' }));
    });
  });

  describe('through the bus', () => {
    let bus: MessageBus;

    beforeEach(() => {
      bus = new MessageBus({ entity: 'my-service', transports: { memory: new MemoryTransport() } });
    });

    afterEach(async () => {
      await bus.shutdown();
    });

    /** Subscribes one handler per row and returns, per row, the labels its handler received. */
    async function subscribeRows(rows: [row: string, filters: SubscriptionFilters][]): Promise<Map<string, string[]>> {
      const received = new Map<string, string[]>();
      for (const [row, filters] of rows) {
        const labels: string[] = [];
        received.set(row, labels);
        await bus.subscribe(Parcel, (message) => void labels.push(message.label), filters);
      }
      return received;
    }

    it('delivers every row of the §11 table end to end', async () => {
      const received = await subscribeRows(FILTER_TABLE.map(([row, filters]) => [row, filters]));
      await bus.start();

      for (const [label, to] of Object.entries(RECIPIENTS)) {
        await bus.publish(Object.assign(new Parcel(), { label }), { to });
      }
      await settled(bus, 'Parcel', 3);

      for (const [row, , accepted] of FILTER_TABLE) {
        expect({ row, labels: [...received.get(row)!].sort() }).toEqual({ row, labels: accepted });
      }
    });

    it('applies from filters (string, RegExp, mixed array, with to or broadcast) end to end', async () => {
      const received = await subscribeRows(FROM_TABLE.map(([row, filters]) => [row, filters]));
      await bus.start();

      for (const addressing of TRAFFIC) await bus.publish(parcel(addressing), addressing);
      await settled(bus, 'Parcel', TRAFFIC.length);

      for (const [row, , accepted] of FROM_TABLE) {
        expect({ row, labels: received.get(row) }).toEqual({ row, labels: accepted });
      }
    });

    it('counts the messages a filter kept from a handler as filteredOut', async () => {
      let handlerId = '';
      await bus.subscribe(Parcel, (_message, context) => void (handlerId = context.handlerId), { to: 'warehouse' });
      await bus.start();

      for (const addressing of TRAFFIC) await bus.publish(parcel(addressing), addressing);
      await settled(bus, 'Parcel', TRAFFIC.length);

      expect(bus.statistics.forHandler(handlerId)).toMatchObject({ delivered: 3, filteredOut: 2, succeeded: 3 });
    });

    it('refuses a handler with an invalid filter at registration, naming the handler', async () => {
      const registration = bus.subscribe(Parcel, () => undefined, { to: 42 } as unknown as SubscribeOptions);

      await expect(registration).rejects.toBeInstanceOf(HandlerRegistrationError);
      await expect(registration).rejects.toMatchObject({
        code: 'SM_HANDLER_REGISTRATION',
        handlerId: expect.stringMatching(/^Parcel\./),
        message: expect.stringContaining('to filter elements must be strings or RegExps'),
      });
      expect(bus.routes()).toEqual([]);
    });
  });
});
