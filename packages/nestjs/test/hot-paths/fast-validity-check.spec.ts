import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { MessageValidationError } from '@smart-message/nestjs';
// The validator is internal: its twin needs the fast check switched off, which no public option does.
import { MessageValidator } from '../../src/validation/message-validator';

/**
 * Shortcut: the fast validity check calls a class's class-validator constraints itself and, when
 * every one holds, answers "valid" without running class-validator (validation/
 * fast-validity-check.ts, used by validation/message-validator.ts on publish and on receipt). Its
 * twin is class-validator deciding every message: any validator option the fast check does not
 * know sends every call there, so the twin sets one whose value is class-validator's default.
 */

@ValidatorConstraint({ name: 'isAfterStart' })
class IsAfterStart implements ValidatorConstraintInterface {
  // Reads the other properties and the constraint arguments, as cross-field rules do.
  validate(value: unknown, args: ValidationArguments): boolean {
    const [field] = args.constraints as [string];
    return typeof value === 'number' && value > ((args.object as Record<string, number>)[field] ?? Infinity);
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must come after ${String(args.constraints[0])} on ${args.targetName}`;
  }
}

class Window {
  @IsInt() start!: number;
  @Validate(IsAfterStart, ['start']) end!: number;
}

class Order {
  @IsString() @Length(3, 10) id!: string;
  @IsInt() @Min(1) @Max(100) quantity!: number;
  @IsIn(['eur', 'usd']) currency!: string;
  @IsOptional() @IsEmail() contact?: string;
  @ValidateIf((order: Order) => order.quantity > 10) @IsString() approvedBy?: string;
  @IsDefined() @Matches(/^[A-Z]{2}$/) country!: string;
  @Equals(true) accepted!: boolean;
}

class Contact {
  @IsString() name!: string;
  @IsOptional() @IsEmail() email?: string;
}

class Line {
  @IsString() sku!: string;
  @IsInt() @Min(1) count!: number;
}

class Basket {
  @IsString() owner!: string;
  @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
}

const order = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'o-123',
  quantity: 2,
  currency: 'eur',
  country: 'NO',
  accepted: true,
  ...patch,
});

const cases: [string, new () => object, Record<string, unknown>][] = [
  ['a valid order', Order, order()],
  ['an optional contact given and valid', Order, order({ contact: 'a@b.io' })],
  ['an optional contact given and invalid', Order, order({ contact: 'not-an-address' })],
  ['an optional contact null', Order, order({ contact: null })],
  ['a ValidateIf that applies and holds', Order, order({ quantity: 11, approvedBy: 'ann' })],
  ['a ValidateIf that applies and fails', Order, order({ quantity: 11 })],
  ['a value past the maximum', Order, order({ quantity: 101 })],
  ['a fraction where an integer is due', Order, order({ quantity: 2.5 })],
  ['a string too short', Order, order({ id: 'o' })],
  ['a value not in the list', Order, order({ currency: 'nok' })],
  ['a pattern not matched', Order, order({ country: 'no' })],
  ['a required property missing', Order, order({ country: undefined })],
  ['a wrong literal', Order, order({ accepted: 'yes' })],
  ['several rules broken at once', Order, { id: 5, quantity: 0 }],
  ['an optional property alone, given and invalid', Contact, { name: 'ann', email: 'nope' }],
  ['an optional property alone, left out', Contact, { name: 'ann' }],
  ['an optional property alone, null', Contact, { name: 'ann', email: null }],
  ['a cross-field rule that holds', Window, { start: 1, end: 2 }],
  ['a cross-field rule that fails', Window, { start: 3, end: 2 }],
  ['valid nested lines', Basket, { owner: 'ann', lines: [{ sku: 'a', count: 1 }] }],
  [
    'an invalid nested line',
    Basket,
    {
      owner: 'ann',
      lines: [
        { sku: 'a', count: 1 },
        { sku: 7, count: 0 },
      ],
    },
  ],
  ['nested lines that are not objects', Basket, { owner: 'ann', lines: 'none' }],
];

/** What a publisher or a receiver is told: the violations in full, or the instance it gets. */
function outcome(validator: MessageValidator, type: new () => object, data: Record<string, unknown>) {
  let received: unknown;
  try {
    received = { instance: validator.instantiate(type, structuredClone(data), type.name, true) };
  } catch (error) {
    expect(error).toBeInstanceOf(MessageValidationError);
    received = { violations: (error as MessageValidationError).violations };
  }
  const published = validator.violations(Object.assign(new type(), structuredClone(data)), type);
  return { received, published };
}

describe('hot path: the fast validity check', () => {
  const fast = new MessageValidator();
  // class-validator's own default, so it validates as with no options; unknown to the fast check.
  const full = new MessageValidator({ skipMissingProperties: false });

  it.each(cases)('answers %s as class-validator does, violations and messages included', (_label, type, data) => {
    expect(outcome(fast, type, data)).toEqual(outcome(full, type, data));
  });

  it('took the fast path in one twin and class-validator in the other', () => {
    expect(fast.compiledClasses).toBeGreaterThan(0);
    expect(full.compiledClasses).toBe(0);
  });

  it('says what class-validator says when it refuses (so the twins cannot agree on a wrong outcome)', () => {
    expect(outcome(fast, Window, { start: 3, end: 2 }).published).toEqual([
      {
        property: 'end',
        source: 'payload',
        constraints: { isAfterStart: 'end must come after start on Window' },
        value: 2,
      },
    ]);
    expect(outcome(fast, Order, order()).published).toEqual([]);
  });
});
