import { DESCRIBE_METADATA } from '../constants';
import { MessageType } from '../interfaces/message-type.interface';

/** Key under which a class-level `@Describe()` is stored beside the property ones. */
export const CLASS_KEY = '';

/** The `@Describe()` texts of a class and its ancestors, by property (`CLASS_KEY`: the class); a subclass's own win. */
export function describedProperties(target: MessageType): Map<string, string> {
  const chain: Map<string, string>[] = [];
  for (
    let type: unknown = target;
    typeof type === 'function' && type !== Function.prototype;
    type = Object.getPrototypeOf(type)
  ) {
    const own = Reflect.getOwnMetadata(DESCRIBE_METADATA, type) as Map<string, string> | undefined;
    if (own) chain.unshift(own);
  }
  return new Map(chain.flatMap((map) => [...map]));
}
