import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsString,
  Min,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
  validateSync,
} from 'class-validator';
import { MessageValidationError } from '@smart-message/nestjs';
// The validator is internal: these tests pin its fast paths to class-validator's own answers.
import { MessageValidator } from '../../src/validation/message-validator';

class Flat {
  @IsString() name!: string;
  @IsInt() @Min(1) quantity!: number;
  @IsOptional() @IsString() note?: string;
  @ValidateIf((flat: Flat) => flat.quantity > 10) @IsString() approvedBy?: string;
}

class Address {
  @IsString() city!: string;
}

class WithNested {
  @ValidateNested() @Type(() => Address) address!: Address;
}

class WithTransform {
  @Transform(({ value }) => String(value).toUpperCase()) @IsString() code!: string;
}

class WithEach {
  @IsString({ each: true }) @ArrayMinSize(1) tags!: string[];
}

@ValidatorConstraint({ name: 'isEven' })
class IsEven implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

class WithCustom {
  @Validate(IsEven) count!: number;
}

describe('MessageValidator fast paths', () => {
  const validator = new MessageValidator();
  const cases: [string, new () => object, Record<string, unknown>][] = [
    ['a valid flat message', Flat, { name: 'a', quantity: 2 }],
    ['a missing required property', Flat, { quantity: 2 }],
    ['a wrong type', Flat, { name: 'a', quantity: 'two' }],
    ['a violated minimum', Flat, { name: 'a', quantity: 0 }],
    ['an optional property left out', Flat, { name: 'a', quantity: 1, note: undefined }],
    ['an optional property of the wrong type', Flat, { name: 'a', quantity: 1, note: 5 }],
    ['a ValidateIf that applies and fails', Flat, { name: 'a', quantity: 11 }],
    ['a ValidateIf that does not apply', Flat, { name: 'a', quantity: 3 }],
    ['a valid nested object', WithNested, { address: { city: 'Oslo' } }],
    ['an invalid nested object', WithNested, { address: { city: 7 } }],
    ['a transformed value', WithTransform, { code: 'abc' }],
    ['each element valid', WithEach, { tags: ['a', 'b'] }],
    ['an element invalid', WithEach, { tags: ['a', 2] }],
    ['a custom constraint met', WithCustom, { count: 4 }],
    ['a custom constraint broken', WithCustom, { count: 3 }],
  ];

  it.each(cases)('agrees with class-validator on %s', (_label, type, data) => {
    // The reference: class-transformer and class-validator with nothing skipped.
    const expected = validateSync(plainToInstance(type, data), { forbidUnknownValues: false });
    let violations: unknown[] = [];
    try {
      validator.instantiate(type, data, type.name, true);
    } catch (error) {
      expect(error).toBeInstanceOf(MessageValidationError);
      violations = (error as MessageValidationError).violations;
    }
    expect(violations.length > 0).toBe(expected.length > 0);
  });

  const undeclared: [string, new () => object, Record<string, unknown>][] = [
    ['an undeclared top-level property', Flat, { name: 'a', quantity: 2, isAdmin: true }],
    ['an undeclared property beside a violation', Flat, { name: 'a', quantity: 0, isAdmin: true }],
    ['an undeclared nested property', WithNested, { address: { city: 'Oslo', zip: '0150' } }],
    ['an undeclared property on a transformed class', WithTransform, { code: 'abc', extra: 1 }],
    ['an undeclared property beside each-rules', WithEach, { tags: ['a'], extra: [1] }],
    ['an undeclared property beside a custom constraint', WithCustom, { count: 4, extra: 'x' }],
    ['nothing undeclared', Flat, { name: 'a', quantity: 2 }],
  ];

  it.each(undeclared)(
    'strips like class-validator’s whitelist (fast and slow path alike) on %s',
    (_label, type, data) => {
      const reference = plainToInstance(type, data);
      const expected = validateSync(reference, { forbidUnknownValues: false, whitelist: true });
      let violations: unknown[] = [];
      let instance: object | undefined;
      try {
        instance = new MessageValidator({}, 'strip').instantiate(type, data, type.name, true);
      } catch (error) {
        violations = (error as MessageValidationError).violations;
      }
      expect(violations.length > 0).toBe(expected.length > 0);
      if (instance) expect(instance).toEqual(reference);
    },
  );

  it.each(undeclared)('refuses like forbidNonWhitelisted (fast and slow path alike) on %s', (_label, type, data) => {
    const expected = validateSync(plainToInstance(type, data), {
      forbidUnknownValues: false,
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    let violations: unknown[] = [];
    try {
      new MessageValidator({}, 'refuse').instantiate(type, data, type.name, true);
    } catch (error) {
      violations = (error as MessageValidationError).violations;
    }
    expect(violations.length > 0).toBe(expected.length > 0);
  });

  it('keeps its caches to the registered classes, whatever constructor values payloads carry', () => {
    const cached = new MessageValidator();
    for (let index = 0; index < 2000; index++) {
      const data = JSON.parse(`{"constructor":{"id":${index}},"name":"a","quantity":2}`) as Record<string, unknown>;
      expect(cached.instantiate(Flat, data, 'Flat', true)).toBeInstanceOf(Flat);
    }
    expect(() =>
      cached.instantiate(Flat, JSON.parse('{"constructor":"x","name":5,"quantity":2}'), 'Flat', true),
    ).toThrow(MessageValidationError);
    expect(cached.compiledClasses).toBe(1);
  });

  it('builds nested instances and applies transforms through class-transformer', () => {
    const nested = validator.instantiate(WithNested, { address: { city: 'Oslo' } }, 'WithNested', true);
    expect(nested.address).toBeInstanceOf(Address);
    const transformed = validator.instantiate(WithTransform, { code: 'abc' }, 'WithTransform', true);
    expect(transformed.code).toBe('ABC');
  });

  it('keeps field initializers for properties the payload leaves out', () => {
    class Defaults {
      @IsString() name!: string;
      @IsInt() retries: number = 3;
    }
    expect(validator.instantiate(Defaults, { name: 'a' }, 'Defaults', true)).toEqual(
      Object.assign(new Defaults(), { name: 'a', retries: 3 }),
    );
  });

  it('reports class-validator’s own messages when the fast check says no', () => {
    const failure = (() => {
      try {
        validator.instantiate(Flat, { name: 'a', quantity: 0 }, 'Flat', true);
      } catch (error) {
        return error as MessageValidationError;
      }
      throw new Error('expected a validation error');
    })();
    expect(failure.violations).toEqual([
      expect.objectContaining({ property: 'quantity', constraints: { min: 'quantity must not be less than 1' } }),
    ]);
  });
});
