import { MessageDeclarationError } from '../errors';
import { isTransformed, typeDeclarationOf, validationRulesOf } from '../validation/decorator-metadata';
import { MessageType } from '../interfaces/message-type.interface';

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
  for (const rule of validationRulesOf(type)) {
    const property = rule.propertyName;
    if (rule.name === 'isDate' && !isTransformed(type, property)) {
      throw new MessageDeclarationError(
        className,
        `${prefix}${property}`,
        'has @IsDate() but arrives as a string (JSON has no dates), so every received message would fail',
        `add @Type(() => Date) from class-transformer to the property`,
      );
    }
    if (rule.type === 'nestedValidation' && !isTransformed(type, property)) {
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
    const target = typeDeclarationOf(type, property)?.typeFunction();
    return typeof target === 'function' && target !== Date ? (target as MessageType) : undefined;
  } catch {
    return undefined;
  }
}
