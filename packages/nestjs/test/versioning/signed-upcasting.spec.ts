import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import {
  Envelope,
  MemoryTransport,
  Message,
  MessageBus,
  MessageContext,
  TrustStore,
  UndeliverableMessage,
  generateSigningKey,
} from '@smart-message/nestjs';
import { settled } from '../core/wait-for';

/** What the shipping service still publishes. */
@Message({ name: 'ParcelWeighed', version: 1, from: 'shipping' })
class ParcelWeighedV1 {
  @IsString() parcelId!: string;
  @IsInt() grams!: number;
}

/** What billing reads now: the weight in kilograms and grams, from version 1 too. */
@Message({
  name: 'ParcelWeighed',
  version: 2,
  from: 'shipping',
  upcast: {
    1: ({ grams, ...rest }) => ({ ...rest, kilograms: Math.floor(Number(grams) / 1000), grams: Number(grams) % 1000 }),
  },
})
class ParcelWeighed {
  @IsString() parcelId!: string;
  @IsInt() kilograms!: number;
  @IsInt() grams!: number;
}

const shipping = generateSigningKey('shipping', 'shipping-1');

describe('upcasting signed messages', () => {
  let wire: MemoryTransport;
  let sender: MessageBus;
  let receiver: MessageBus;
  let handled: { parcel: ParcelWeighed; context: MessageContext }[];
  let undeliverable: UndeliverableMessage[];

  beforeEach(async () => {
    wire = new MemoryTransport({ retain: 10 });
    handled = [];
    undeliverable = [];
    sender = new MessageBus({
      entity: 'shipping',
      transports: { memory: wire },
      security: { identities: [shipping.identity] },
    });
    receiver = new MessageBus({
      entity: 'billing',
      transports: { memory: wire },
      security: { trust: new TrustStore([shipping.trusted]), receive: { requireSigned: true } },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    await receiver.subscribe(ParcelWeighed, (parcel, context) => void handled.push({ parcel, context }));
    await sender.start();
    await receiver.start();
  });

  afterEach(async () => {
    await sender.shutdown();
    await receiver.shutdown();
  });

  it('verifies the signature over the version 1 bytes, then upcasts: the handler sees a proven sender', async () => {
    await sender.publish(Object.assign(new ParcelWeighedV1(), { parcelId: 'p-1', grams: 2350 }));
    await settled(receiver, 'ParcelWeighed', 1);

    expect(undeliverable).toEqual([]);
    expect(handled).toHaveLength(1);
    expect({ ...handled[0]!.parcel }).toEqual({ parcelId: 'p-1', kilograms: 2, grams: 350 });
    expect(handled[0]!.context.verified).toBe(true);
    expect(handled[0]!.context.originalVersion).toBe(1);
  });

  it('refuses a signed version 2 relabelled as version 1: the signature binds the version the upcaster would read', async () => {
    await sender.publish(Object.assign(new ParcelWeighed(), { parcelId: 'p-2', kilograms: 1, grams: 5 }));
    await settled(receiver, 'ParcelWeighed', 1);
    handled = [];
    const sent = wire.published()[wire.published().length - 1]!;
    const relabelled: Envelope = { header: { ...sent.header, version: 1 }, payload: sent.payload };

    await wire.publish(relabelled);
    await settled(receiver, 'ParcelWeighed', 2);

    expect(handled).toEqual([]);
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'unverified',
        error: expect.objectContaining({ code: 'SM_SIGNATURE_INVALID' }),
      }),
    ]);
  });
});
