import 'reflect-metadata';
import { IsNumber, IsString } from 'class-validator';
import {
  InvalidMessageOptionsError,
  MemoryTransport,
  Message,
  MessageBus,
  MessageCatalog,
  MessageContext,
  MessageTypeConflictError,
  NotAMessageError,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { settled } from './wait-for';

/** The old schema, still published by a service that has not migrated yet. */
@Message({ name: 'PriceChanged', version: 1 })
class PriceChangedV1 {
  @IsString() sku = 'SKU-1';
  @IsNumber() price = 10;
}

/** The new schema: the price became an amount with a currency. */
@Message({ name: 'PriceChanged', version: 2 })
class PriceChangedV2 {
  @IsString() sku = 'SKU-1';
  @IsNumber() amount = 10;
  @IsString() currency = 'EUR';
}

@Message({ name: 'Duplicated' })
class DuplicatedHere {
  @IsString() id = 'a';
}

@Message({ name: 'Duplicated' })
class DuplicatedThere {
  @IsString() id = 'b';
}

@Message({ name: 'Shadowed' })
class ShadowedHandled {
  @IsString() id = 'a';
}

/** Never handled here, only declared: a receiver still could not tell the two apart. */
@Message({ name: 'Shadowed' })
class ShadowedDeclared {
  @IsString() id = 'b';
}
void ShadowedDeclared;

describe('message versions', () => {
  let bus: MessageBus;
  let undeliverable: UndeliverableMessage[];

  beforeEach(() => {
    undeliverable = [];
    bus = new MessageBus({
      entity: 'pricing',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  describe('two versions of one message name', () => {
    let v1Received: object[];
    let v2Received: object[];
    let v1HandlerId: string;
    let v2HandlerId: string;

    beforeEach(async () => {
      v1Received = [];
      v2Received = [];
      await bus.subscribe(PriceChangedV1, (message) => void v1Received.push(message));
      await bus.subscribe(PriceChangedV2, (message) => void v2Received.push(message));
      await bus.start();
      const routes = bus.routes();
      v1HandlerId = routes.find((route) => route.version === 1)!.handlerId;
      v2HandlerId = routes.find((route) => route.version === 2)!.handlerId;
    });

    it('delivers a v1 message only to the v1 handler and reports the mismatch for the v2 handler', async () => {
      const header = await bus.publish(new PriceChangedV1());
      await settled(bus, 'PriceChanged', 1);

      expect(v1Received).toEqual([new PriceChangedV1()]);
      expect(v1Received[0]).toBeInstanceOf(PriceChangedV1);
      expect(v2Received).toEqual([]);
      expect(bus.statistics.forHandler(v2HandlerId)).toMatchObject({ versionMismatched: 1, delivered: 0 });
      expect(bus.statistics.forHandler(v1HandlerId)).toMatchObject({ versionMismatched: 0, delivered: 1 });
      expect(undeliverable).toEqual([
        expect.objectContaining({
          reason: 'version-mismatch',
          handlerId: v2HandlerId,
          envelope: expect.objectContaining({ header }),
          error: expect.objectContaining({
            name: 'VersionMismatchError',
            code: 'SM_VERSION_MISMATCH',
            message: 'PriceChanged expects version 2, but header has version 1',
          }),
        }),
      ]);
    });

    it('delivers a v2 message only to the v2 handler; the v1 class refuses it as a future version', async () => {
      await bus.publish(new PriceChangedV2());
      await settled(bus, 'PriceChanged', 1);

      expect(v2Received).toEqual([new PriceChangedV2()]);
      expect(v2Received[0]).toBeInstanceOf(PriceChangedV2);
      expect(v1Received).toEqual([]);
      expect(bus.statistics.forHandler(v1HandlerId)).toMatchObject({ versionMismatched: 1, delivered: 0 });
      expect(undeliverable.map(({ reason, handlerId }) => ({ reason, handlerId }))).toEqual([
        { reason: 'future-version', handlerId: v1HandlerId },
      ]);
    });

    it('writes the class version into the header', async () => {
      const contexts: MessageContext[] = [];
      await bus.subscribe(PriceChangedV2, (_message, context) => void contexts.push(context));

      await bus.publish(new PriceChangedV2());
      await settled(bus, 'PriceChanged', 1);

      expect(contexts.map((context) => context.header.version)).toEqual([2]);
    });
  });

  it.each([0, 1.5, -1])('refuses @Message({ version: %p }) with InvalidMessageOptionsError', (version) => {
    class BadlyVersioned {}

    expect(() => Message({ version })(BadlyVersioned)).toThrow(InvalidMessageOptionsError);
    expect(() => Message({ version })(BadlyVersioned)).toThrow(
      expect.objectContaining({ code: 'SM_INVALID_MESSAGE_OPTIONS' }),
    );
    expect(() => new MessageCatalog().describe(BadlyVersioned)).toThrow(NotAMessageError);
  });

  it('refuses to start when a handled class shares its name and version with a class nobody handles', async () => {
    await bus.subscribe(ShadowedHandled, () => undefined);

    const starting = bus.start();

    await expect(starting).rejects.toBeInstanceOf(MessageTypeConflictError);
    await expect(starting).rejects.toMatchObject({ messageClass: 'Shadowed', version: 1 });
  });

  it('refuses a handler added after start for a class whose name and version another class shares', async () => {
    await bus.start();

    await expect(bus.subscribe(ShadowedHandled, () => undefined)).rejects.toBeInstanceOf(MessageTypeConflictError);
    expect(bus.routes()).toEqual([]);
  });

  it('refuses to start when two different classes share a name and version', async () => {
    await bus.subscribe(DuplicatedHere, () => undefined);
    await bus.subscribe(DuplicatedThere, () => undefined);

    const starting = bus.start();

    await expect(starting).rejects.toBeInstanceOf(MessageTypeConflictError);
    await expect(starting).rejects.toMatchObject({
      code: 'SM_MESSAGE_TYPE_CONFLICT',
      messageClass: 'Duplicated',
      version: 1,
    });
  });
});
