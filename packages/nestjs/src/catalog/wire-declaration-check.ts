import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { MessageDeclarationError } from '../errors';
import { MessageType } from '../interfaces/message-type.interface';

/** class-transformer's TransformationType.PLAIN_TO_CLASS. */
const PLAIN_TO_CLASS = 0;

/**
 * Refuses property declarations a JSON payload can never satisfy on receipt, when the class is
 * registered rather than on every message: `@IsDate()` sees a string after the round trip
 * unless `@Type(() => Date)` turns it back, and `@ValidateNested()` sees a plain object
 * (whose rules are then never checked) unless `@Type(() => Class)` builds the nested instance.
 */
export function assertSurvivesJson(type: MessageType, className: string): void {
  checkClass(type, className, '', new Set());
}

/** `prefix` leads to a nested class's properties from the message class, e.g. `address.` */
function checkClass(type: MessageType, className: string, prefix: string, seen: Set<MessageType>): void {
  if (seen.has(type)) return;
  seen.add(type);
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)) {
    const property = rule.propertyName;
    if (rule.name === 'isDate' && !isConverted(type, property)) {
      throw new MessageDeclarationError(
        className,
        `${prefix}${property}`,
        'has @IsDate() but arrives as a string (JSON has no dates), so every received message would fail',
        `add @Type(() => Date) from class-transformer to the property`,
      );
    }
    if (rule.type === 'nestedValidation' && !isConverted(type, property)) {
      const designType = Reflect.getMetadata('design:type', type.prototype as object, property) as unknown;
      const nested = typeof designType === 'function' && designType !== Object && designType !== Array;
      throw new MessageDeclarationError(
        className,
        `${prefix}${property}`,
        'has @ValidateNested() but arrives as a plain object, so its rules would never be checked',
        `add @Type(() => ${nested ? designType.name : 'TheNestedClass'}) from class-transformer to the property`,
      );
    }
    if (rule.type === 'nestedValidation') {
      const nestedType = nestedClassOf(type, property);
      if (nestedType) checkClass(nestedType, className, `${prefix}${property}.`, seen);
    }
  }
}

/** The class `@Type` names, when it can be asked already (a class declared further down cannot be yet). */
function nestedClassOf(type: MessageType, property: string): MessageType | undefined {
  try {
    const target = defaultMetadataStorage.findTypeMetadata(type, property)?.typeFunction();
    return typeof target === 'function' && target !== Date ? (target as MessageType) : undefined;
  } catch {
    return undefined;
  }
}

function isConverted(type: MessageType, property: string): boolean {
  return (
    defaultMetadataStorage.findTypeMetadata(type, property) !== undefined ||
    defaultMetadataStorage.findTransformMetadatas(type, property, PLAIN_TO_CLASS).length > 0
  );
}
