import { DESCRIBE_METADATA } from '../constants';
import { CLASS_KEY } from '../catalog/described-properties';

/** Free text for the message catalog, on a message class or one of its properties. */
export function Describe(text: string): ClassDecorator & PropertyDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    const owner = propertyKey === undefined ? target : target.constructor;
    const own =
      (Reflect.getOwnMetadata(DESCRIBE_METADATA, owner) as Map<string, string> | undefined) ??
      new Map<string, string>();
    own.set(propertyKey === undefined ? CLASS_KEY : String(propertyKey), text);
    Reflect.defineMetadata(DESCRIBE_METADATA, own, owner);
  };
}
