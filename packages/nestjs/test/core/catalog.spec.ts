import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEmail, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Describe, Message, MessageCatalog, MessagePropertyDescription, NotAMessageError } from '@smart-message/nestjs';

class PostalAddress {
  @IsString() city!: string;
}

@Message({
  name: 'CustomerRegistered',
  version: 2,
  from: 'crm',
  to: 'billing',
  replyTo: 'crm-replies',
  description: 'A customer completed sign-up',
})
class CustomerRegistered {
  @IsString()
  @Describe('Name shown on invoices')
  name!: string;

  @IsInt()
  @Min(18)
  @Max(130)
  age!: number;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsDate()
  @Type(() => Date)
  registeredAt!: Date;

  @ValidateNested()
  @Type(() => PostalAddress)
  address!: PostalAddress;

  @IsString({ each: true })
  tags: string[] = [];

  // Annotated on purpose: decorator metadata records declared types only, not inferred ones.
  @IsBoolean()
  newsletter: boolean = false;
}

@Describe('A parcel left the warehouse')
@Message()
class ParcelShipped {
  @Describe('Carrier tracking code')
  @IsString()
  trackingCode!: string;
}

@Message()
class Heartbeat {
  @IsInt() sequence = 0;
}

class NotAMessage {}

describe('MessageCatalog', () => {
  const catalog = new MessageCatalog();

  const property = (name: string): MessagePropertyDescription | undefined =>
    catalog.describe(CustomerRegistered).properties.find((candidate) => candidate.name === name);

  it('describes the name, version, addressing defaults and description of a type', () => {
    expect(catalog.describe(CustomerRegistered)).toMatchObject({
      name: 'CustomerRegistered',
      version: 2,
      from: 'crm',
      to: 'billing',
      replyTo: 'crm-replies',
      serializer: 'json',
      description: 'A customer completed sign-up',
    });
  });

  it('takes the description from a class @Describe when @Message gives none', () => {
    expect(catalog.describe(ParcelShipped).description).toBe('A parcel left the warehouse');
  });

  it('falls back to "<Name> is a SmartMessage" and leaves addressing undefined', () => {
    expect(catalog.describe(Heartbeat)).toMatchObject({
      name: 'Heartbeat',
      version: 1,
      description: 'Heartbeat is a SmartMessage',
      from: undefined,
      to: undefined,
      replyTo: undefined,
    });
  });

  it('lists every property that carries a rule', () => {
    expect(
      catalog
        .describe(CustomerRegistered)
        .properties.map((p) => p.name)
        .sort(),
    ).toEqual(['address', 'age', 'email', 'name', 'newsletter', 'registeredAt', 'tags']);
  });

  it.each([
    ['name', 'string'],
    ['age', 'number'],
    ['email', 'string'],
    ['registeredAt', 'Date'],
    ['address', 'PostalAddress'],
    ['tags', 'array'],
    ['newsletter', 'boolean'],
  ])('gives %s the type %s', (name, type) => {
    expect(property(name)?.type).toBe(type);
  });

  it('marks @IsOptional properties as not required, and others as required', () => {
    expect(property('email')?.required).toBe(false);
    expect(property('name')?.required).toBe(true);
    expect(property('age')?.required).toBe(true);
  });

  it('lists the rules of a property by class-validator name, with their constraints', () => {
    expect(property('name')?.rules).toEqual([{ name: 'isString', constraints: [], each: false }]);
    expect(property('age')?.rules).toHaveLength(3);
    expect(property('age')?.rules).toEqual(
      expect.arrayContaining([
        { name: 'isInt', constraints: [], each: false },
        { name: 'min', constraints: [18], each: false },
        { name: 'max', constraints: [130], each: false },
      ]),
    );
  });

  it('lists an optional property’s rules without the optional marker', () => {
    expect(property('email')?.rules.map((rule) => rule.name)).toEqual(['isEmail']);
  });

  it('marks rules that apply to each element', () => {
    expect(property('tags')?.rules).toEqual([expect.objectContaining({ name: 'isString', each: true })]);
  });

  it('carries @Describe text on properties and leaves it out where there is none', () => {
    expect(property('name')?.description).toBe('Name shown on invoices');
    expect(property('age')).not.toHaveProperty('description');
    expect(catalog.describe(ParcelShipped).properties).toEqual([
      {
        name: 'trackingCode',
        type: 'string',
        required: true,
        rules: [expect.objectContaining({ name: 'isString' })],
        description: 'Carrier tracking code',
      },
    ]);
  });

  it('lists every registered type and finds one by name and version', () => {
    expect(catalog.list().map((type) => `${type.name}@${type.version}`)).toEqual([
      'CustomerRegistered@2',
      'Heartbeat@1',
      'ParcelShipped@1',
    ]);
    expect(catalog.find('CustomerRegistered', 2)?.from).toBe('crm');
    expect(catalog.find('CustomerRegistered', 1)).toBeUndefined();
  });

  it('infers the type of an unannotated field from its rules', () => {
    @Message({ name: 'CatalogInference' })
    class CatalogInference {
      // No annotations: TypeScript records no design type for these.
      @IsBoolean() newsletter = false;
      @IsInt() retries = 3;
    }
    const types = Object.fromEntries(catalog.describe(CatalogInference).properties.map((p) => [p.name, p.type]));
    expect(types).toEqual({ newsletter: 'boolean', retries: 'number' });
  });

  it('refuses to describe a class without @Message()', () => {
    expect(() => catalog.describe(NotAMessage)).toThrow(NotAMessageError);
  });
});
