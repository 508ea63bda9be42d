/*
 * Every part of class-validator's and class-transformer's decorator metadata the library reads, in
 * one place. class-validator exports its storage but documents none of its methods, and
 * class-transformer exports no accessor at all (its storage is `class-transformer/cjs/storage`,
 * typed in ../types/class-transformer-storage.d.ts). When either changes these, this file is
 * the one to adapt; the rest of the library asks the questions below.
 */
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';

/** One class-validator decorator on one property, as class-validator records it. */
export type ValidationRule = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** A constraint class behind a rule (`@IsString()`'s, a custom `@ValidatorConstraint`). */
export type RuleConstraint = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidatorConstraints']>[number];

/** How a `@Type()` names a nested class. */
export interface TypeDeclaration {
  typeFunction: (options?: unknown) => unknown;
  reflectedType?: unknown;
  options?: { discriminator?: unknown };
}

/** class-transformer's TransformationType.PLAIN_TO_CLASS. */
const PLAIN_TO_CLASS = 0;

/** Every class-validator rule of a class, inherited ones included, in every group. */
export function validationRulesOf(type: NewableFunction): ValidationRule[] {
  return getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
}

/** The constraints that check a rule; a custom constraint class may hold several. */
export function constraintsOf(rule: ValidationRule): RuleConstraint[] {
  return getMetadataStorage().getTargetValidatorConstraints(rule.constraintCls);
}

/** The `@Type()` of a property, if it has one. */
export function typeDeclarationOf(type: NewableFunction, property: string): TypeDeclaration | undefined {
  return defaultMetadataStorage.findTypeMetadata(type, property);
}

/** Whether class-transformer converts a property on receipt: it has `@Type()` or a plain-to-class `@Transform()`. */
export function isTransformed(type: NewableFunction, property: string): boolean {
  return (
    defaultMetadataStorage.findTypeMetadata(type, property) !== undefined ||
    defaultMetadataStorage.findTransformMetadatas(type, property, PLAIN_TO_CLASS).length > 0
  );
}

/** Properties a class renames with `@Expose({ name })`: property name → name on the wire. */
export function exposedNamesOf(type: NewableFunction): Map<string, string> {
  const renamed = new Map<string, string>();
  for (const expose of defaultMetadataStorage.getExposedMetadatas(type)) {
    if (expose.propertyName && expose.options?.name) renamed.set(expose.propertyName, expose.options.name);
  }
  return renamed;
}

/** Whether a class uses `@Expose()` or `@Exclude()` at all, on the class or any property. */
export function hasExposeOrExclude(type: NewableFunction): boolean {
  return (
    defaultMetadataStorage.getExposedMetadatas(type).length > 0 ||
    defaultMetadataStorage.getExcludedMetadatas(type).length > 0
  );
}

/**
 * class-transformer's storage itself, for class-validator-jsonschema, which reads `@Type()`,
 * `@Expose()` and `@Exclude()` from it (see catalog/asyncapi/payload-schemas.ts).
 */
export function classTransformerStorage(): object {
  return defaultMetadataStorage;
}
