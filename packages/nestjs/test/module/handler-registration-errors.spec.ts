import 'reflect-metadata';
import { INestApplication, Injectable, Scope, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { HandlerRegistrationError, Message, SmartMessageModule, Subscribe } from '@smart-message/nestjs';

@Message({ from: 'shop' })
class ParcelShipped {
  @IsString() parcelId!: string;
}

/** Has the shape of a message but no `@Message()`, so it cannot be routed. */
class ParcelLost {
  @IsString() parcelId!: string;
}

interface ParcelShape {
  parcelId: string;
}

@Injectable()
class InterfaceTypedHandler {
  @Subscribe()
  onParcel(_message: ParcelShape): void {}
}

@Injectable()
class UnknownTypedHandler {
  // `unknown` and `any` both reach the metadata as Object.
  @Subscribe()
  onParcel(_message: unknown): void {}
}

@Injectable()
class UndecoratedClassHandler {
  @Subscribe()
  onParcel(_message: ParcelLost): void {}
}

/**
 * What a build without `emitDecoratorMetadata` produces: the decorators are applied, but no
 * `design:paramtypes` is recorded beside them.
 */
class WithoutDecoratorMetadataHandler {
  onParcel(_message: ParcelShipped): void {}
}
Subscribe()(
  WithoutDecoratorMetadataHandler.prototype,
  'onParcel',
  Object.getOwnPropertyDescriptor(WithoutDecoratorMetadataHandler.prototype, 'onParcel')!,
);
Injectable()(WithoutDecoratorMetadataHandler);

@Injectable({ scope: Scope.REQUEST })
class RequestScopedHandler {
  @Subscribe()
  onParcel(_message: ParcelShipped): void {}
}

describe('handler registration errors', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function bootstrapWith(handlerClass: Type): Promise<unknown> {
    const moduleRef = await Test.createTestingModule({
      imports: [SmartMessageModule.forRoot({ logger: false })],
      providers: [handlerClass],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    return app.init().then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it.each([
    ['an interface', InterfaceTypedHandler, 'InterfaceTypedHandler.onParcel', /interface, a union or any/],
    ['unknown', UnknownTypedHandler, 'UnknownTypedHandler.onParcel', /interface, a union or any/],
    ['a class without @Message()', UndecoratedClassHandler, 'UndecoratedClassHandler.onParcel', /class ParcelLost/],
    ['a request-scoped provider', RequestScopedHandler, 'RequestScopedHandler.onParcel', /request-scoped/],
    [
      'no decorator metadata (emitDecoratorMetadata off)',
      WithoutDecoratorMetadataHandler,
      'WithoutDecoratorMetadataHandler.onParcel',
      /"emitDecoratorMetadata" is off.*Set "emitDecoratorMetadata": true/,
    ],
  ])('fails the bootstrap for a handler typed with %s', async (_case, handlerClass, handlerId, reason) => {
    const error = await bootstrapWith(handlerClass);

    expect(error).toBeInstanceOf(HandlerRegistrationError);
    expect(error).toMatchObject({ code: 'SM_HANDLER_REGISTRATION', handlerId });
    expect((error as HandlerRegistrationError).message).toContain(handlerId);
    expect((error as HandlerRegistrationError).message).toMatch(reason);
  });
});
