import type { PublishDeclaration } from '../catalog/publish-declaration.interface';
import { PUBLISHES_METADATA } from '../constants';

/**
 * Declares the message types a provider or controller publishes, for the catalog's AsyncAPI
 * document (`send` operations): `@Publishes(OrderPlaced, { type: PaymentRequested, replyType:
 * PaymentAuthorized })`. It changes nothing about publishing; the module reads it at startup and
 * fails then on an entry that is not a `@Message()` class.
 */
export function Publishes(...declarations: PublishDeclaration[]): ClassDecorator {
  return (target) => {
    const existing = (Reflect.getOwnMetadata(PUBLISHES_METADATA, target) as PublishDeclaration[] | undefined) ?? [];
    Reflect.defineMetadata(PUBLISHES_METADATA, [...existing, ...declarations], target);
  };
}
