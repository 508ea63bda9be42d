import 'reflect-metadata';
import { IsIn, IsInt, IsString, Min } from 'class-validator';
import {
  DowncastFailedError,
  InvalidOptionError,
  MemoryTransport,
  Message,
  MessageBus,
  MessageContext,
  MessageValidationError,
  PlainPayload,
} from '@smart-message/nestjs';
import { settled } from '../core/wait-for';

/** Version 1 priced plans in whole euros. */
@Message({ name: 'PlanChanged', version: 1, from: 'billing' })
class PlanChangedV1 {
  @IsString() plan!: string;
  @IsInt() @Min(0) euros!: number;
}

/** Version 2 prices in cents with a currency; it still reads version 1, and writes it for consumers not yet upgraded. */
@Message({
  name: 'PlanChanged',
  version: 2,
  from: 'billing',
  upcast: { 1: ({ euros, ...rest }: PlainPayload) => ({ ...rest, cents: Number(euros) * 100, currency: 'EUR' }) },
  downcast: {
    1: ({ cents, currency, ...rest }: PlainPayload) => {
      if (currency !== 'EUR') throw new Error(`version 1 has no currency, and ${String(currency)} is not EUR`);
      return { ...rest, euros: Math.round(Number(cents) / 100) };
    },
  },
})
class PlanChanged {
  @IsString() plan!: string;
  @IsInt() @Min(0) cents!: number;
  @IsIn(['EUR', 'USD']) currency!: string;
}

const plan = (cents: number, currency = 'EUR'): PlanChanged =>
  Object.assign(new PlanChanged(), { plan: 'team', cents, currency });

describe('publishing as an older version through downcasters', () => {
  let bus: MessageBus;
  let v1: { message: PlanChangedV1; context: MessageContext }[];
  let v2: { message: PlanChanged; context: MessageContext }[];

  beforeEach(async () => {
    v1 = [];
    v2 = [];
    bus = new MessageBus({ entity: 'billing', transports: { memory: new MemoryTransport() } });
    await bus.subscribe(PlanChangedV1, (message, context) => void v1.push({ message, context }));
    await bus.subscribe(PlanChanged, (message, context) => void v2.push({ message, context }));
    await bus.start();
  });

  afterEach(() => bus.shutdown());

  it('sends version 1 for consumers not yet upgraded, which upgraded ones read back through the upcaster', async () => {
    const header = await bus.publish(plan(4900), { version: 1 });
    await settled(bus, 'PlanChanged', 1);

    expect(header.version).toBe(1);
    expect(v1.map(({ message }) => message)).toEqual([Object.assign(new PlanChangedV1(), { plan: 'team', euros: 49 })]);
    expect(v2.map(({ message, context }) => ({ ...message, original: context.originalVersion }))).toEqual([
      { plan: 'team', cents: 4900, currency: 'EUR', original: 1 },
    ]);
  });

  it('validates against the class version before writing the older one', async () => {
    await expect(bus.publish(plan(-1), { version: 1 })).rejects.toBeInstanceOf(MessageValidationError);
    expect(bus.statistics.forType('PlanChanged').published).toBe(0);
  });

  it('refuses a version the chain does not write, and sends nothing', async () => {
    await expect(bus.publish(plan(100), { version: 3 })).rejects.toThrow(InvalidOptionError);
    await expect(bus.publish(plan(100), { version: 3 })).rejects.toThrow(
      'publish(PlanChanged): version must be from 1 to 2, the versions its downcast chain writes, got 3',
    );
    await expect(
      bus.publish(Object.assign(new PlanChangedV1(), { plan: 'team', euros: 1 }), { version: 2 }),
    ).rejects.toThrow('publish(PlanChanged): version must be 1: the class declares no downcast, got 2');
    expect(bus.statistics.forType('PlanChanged').published).toBe(0);
  });

  it('refuses a message its downcaster cannot write, with DowncastFailedError', async () => {
    const publishing = bus.publish(plan(100, 'USD'), { version: 1 });

    await expect(publishing).rejects.toBeInstanceOf(DowncastFailedError);
    await expect(publishing).rejects.toMatchObject({
      code: 'SM_DOWNCAST_FAILED',
      toVersion: 1,
      message: 'PlanChanged: the downcaster to version 1 threw: version 1 has no currency, and USD is not EUR',
    });
    expect(bus.statistics.forType('PlanChanged').published).toBe(0);
  });

  it('publishes the class version when the option names it', async () => {
    const header = await bus.publish(plan(100), { version: 2 });
    await settled(bus, 'PlanChanged', 1);

    expect(header.version).toBe(2);
    expect(v2).toHaveLength(1);
  });
});
