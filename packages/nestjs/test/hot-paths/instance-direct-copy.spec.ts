import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsOptional, IsString, validateSync } from 'class-validator';
// The factory is internal: its twin is class-transformer itself, which the shortcut stands in for.
import { InstanceFactory } from '../../src/validation/instance-factory';

/**
 * Shortcut: a message class without class-transformer decorators is instantiated by copying the
 * payload's properties onto `new type()` (validation/instance-factory.ts) instead of through
 * `plainToInstance`, which for such a class only copies them too. Its twin is `plainToInstance`,
 * followed for the `strip` policy by class-validator's whitelist, which removes the rest.
 */

class Plain {
  @IsString() name!: string;
  @IsInt() count: number = 3;
  @IsOptional() @IsString() note?: string;
}

class NoRules {
  name?: string;
  count = 1;
}

const payloads: [string, new () => object, string][] = [
  ['a payload with every declared property', Plain, '{"name":"a","count":2,"note":"n"}'],
  ['a payload leaving out a property with an initializer', Plain, '{"name":"a"}'],
  ['a payload with an undeclared property', Plain, '{"name":"a","count":2,"extra":{"deep":true}}'],
  ['a payload with a null and an explicit undefined-like value', Plain, '{"name":null,"note":null}'],
  ['a payload with a __proto__ key', Plain, '{"name":"a","__proto__":{"polluted":true}}'],
  ['a payload with a constructor key', Plain, '{"name":"a","constructor":{"name":"Evil"}}'],
  ['a payload with nested objects and arrays', Plain, '{"name":"a","note":"x","count":1,"list":[1,{"b":2}]}'],
  ['a class without rules', NoRules, '{"name":"a","count":5,"other":1}'],
  ['a class without rules and a __proto__ key', NoRules, '{"name":"a","__proto__":{"polluted":true}}'],
];

/** Class, own properties with their values, and whether the prototype was left alone. */
function shape(instance: object): unknown {
  return {
    class: instance.constructor.name,
    prototypeIsTheClass: Object.getPrototypeOf(instance) === instance.constructor.prototype,
    own: Object.entries(instance).sort(([a], [b]) => a.localeCompare(b)),
  };
}

describe('hot path: instances copied instead of built by class-transformer', () => {
  const factory = new InstanceFactory();

  it.each(payloads)('keeps %s as plainToInstance does', (_label, type, text) => {
    expect(shape(factory.create(type, JSON.parse(text), 'keep'))).toEqual(
      shape(plainToInstance(type, JSON.parse(text) as object)),
    );
  });

  // A class without rules declares nothing to keep: `strip` keeps its payload whole, on both paths.
  it.each(payloads.filter(([, type]) => type !== NoRules))(
    'strips %s as plainToInstance and the whitelist do',
    (_label, type, text) => {
      const twin = plainToInstance(type, JSON.parse(text) as object);
      validateSync(twin, { whitelist: true, forbidUnknownValues: false });
      expect(shape(factory.create(type, JSON.parse(text), 'strip'))).toEqual(shape(twin));
    },
  );

  it('never lets a payload reach the prototype', () => {
    const instance = factory.create(Plain, JSON.parse('{"__proto__":{"polluted":true}}'), 'keep');
    expect((instance as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
