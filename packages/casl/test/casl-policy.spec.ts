import 'reflect-metadata';
import { AbilityBuilder, AnyAbility, createMongoAbility, defineAbility } from '@casl/ability';
import {
  CaslAbilityError,
  CaslAbilityFactory,
  caslPolicy,
  CaslPolicyOptionsError,
  CaslSender,
} from '@smart-message/casl';
import { MessagePolicy, MessagePolicyDecision, MessagePolicyRequest } from '@smart-message/nestjs';

class PaymentRequested {
  amount!: number;
  currency!: string;
  note?: string;
  approved?: boolean;
  customer?: { tier?: string };
}

const payment = (fields: Partial<PaymentRequested>): PaymentRequested => Object.assign(new PaymentRequested(), fields);

const request = <T extends object>(
  payload: T,
  from = 'orders',
  verified = false,
  messageClass = 'PaymentRequested',
): MessagePolicyRequest<T> => ({
  messageClass,
  version: 1,
  from,
  to: 'payments',
  verified,
  payload,
  handlerId: 'Payments.charge',
  transport: 'memory',
});

const allows = (decision: MessagePolicyDecision): boolean =>
  decision === true || (typeof decision === 'object' && decision.allow);

/** The rules of the examples: orders pays up to 1000, anyone reads the price list, nobody else pays. */
const orders = defineAbility((can) => {
  can('handle', 'PaymentRequested', { amount: { $lte: 1000 } });
});
const anonymous = defineAbility((can) => {
  can('handle', 'PriceListPublished');
});
const byEntity = new Map<string, AnyAbility>([['orders', orders]]);
const lookUp: CaslAbilityFactory = ({ entity }) =>
  entity === undefined ? anonymous : (byEntity.get(entity) ?? anonymous);

describe('caslPolicy: conditions over the payload', () => {
  const policy = caslPolicy(lookUp);

  it('allows a payload the conditions match and denies one they do not, saying no rule matched', () => {
    expect(policy(request(payment({ amount: 1000, currency: 'EUR' })))).toBe(true);
    expect(policy(request(payment({ amount: 1001, currency: 'EUR' })))).toEqual({
      allow: false,
      reason: 'no CASL rule lets "orders" handle PaymentRequested: none of the 1 rule(s) for it matches this payload',
    });
  });

  it('denies a sender with no rule for the type at all', () => {
    expect(policy(request(payment({ amount: 1, currency: 'EUR' }), 'kiosk'))).toEqual({
      allow: false,
      reason: 'no CASL rule lets "kiosk" handle PaymentRequested',
    });
  });

  it('uses the routing name of the message type as the subject type, not the class name', () => {
    const renamed = request(payment({ amount: 1, currency: 'EUR' }), 'orders', false, 'payments.PaymentRequested.v2');
    expect(allows(policy(renamed))).toBe(false);
    const other = defineAbility((can) => can('handle', 'payments.PaymentRequested.v2'));
    expect(caslPolicy(() => other)(renamed)).toBe(true);
  });

  it('names the cannot rule that denied, by its because() text or as the rule itself', () => {
    const builder = new AbilityBuilder(createMongoAbility);
    builder.can('handle', 'PaymentRequested');
    builder.cannot('handle', 'PaymentRequested', { currency: 'XBT' }).because('crypto payments are off');
    builder.cannot('handle', 'PaymentRequested', { amount: { $gt: 5000 } });
    const ability = builder.build();
    const policy = caslPolicy(() => ability);

    expect(policy(request(payment({ amount: 10, currency: 'EUR' })))).toBe(true);
    expect(policy(request(payment({ amount: 10, currency: 'XBT' })))).toEqual({
      allow: false,
      reason: 'a CASL rule forbids "orders" to handle PaymentRequested: crypto payments are off',
    });
    expect(policy(request(payment({ amount: 6000, currency: 'EUR' })))).toEqual({
      allow: false,
      reason:
        'a CASL rule forbids "orders" to handle PaymentRequested: cannot("handle", "PaymentRequested", {"amount":{"$gt":5000}})',
    });
  });

  it("honours CASL's manage and all, and a configured action", () => {
    const admin = defineAbility((can) => can('manage', 'all'));
    expect(caslPolicy(() => admin)(request(payment({ amount: 1e9, currency: 'EUR' })))).toBe(true);

    const refunds = defineAbility((can) => can('refund', 'PaymentRequested'));
    expect(caslPolicy(() => refunds, { action: 'refund' })(request(payment({ amount: 1, currency: 'EUR' })))).toBe(
      true,
    );
    expect(caslPolicy(() => refunds)(request(payment({ amount: 1, currency: 'EUR' })))).toEqual({
      allow: false,
      reason: 'no CASL rule lets "orders" handle PaymentRequested',
    });
  });

  it('matches nested fields and arrays of the payload', () => {
    const gold = defineAbility((can) => can('handle', 'PaymentRequested', { 'customer.tier': 'gold' }));
    const policy = caslPolicy(() => gold);
    expect(policy(request(payment({ amount: 1, currency: 'EUR', customer: { tier: 'gold' } })))).toBe(true);
    expect(allows(policy(request(payment({ amount: 1, currency: 'EUR', customer: { tier: 'tin' } }))))).toBe(false);

    const tagged = defineAbility((can) => can('handle', 'Batch', { tags: { $all: ['paid', 'eu'] } }));
    expect(caslPolicy(() => tagged)(request({ tags: ['eu', 'paid', 'x'] }, 'orders', false, 'Batch'))).toBe(true);
    expect(allows(caslPolicy(() => tagged)(request({ tags: ['eu'] }, 'orders', false, 'Batch')))).toBe(false);
  });

  it('compares dates as dates', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const recent = defineAbility((can) => can('handle', 'Invoice', { issuedAt: { $gte: since } }));
    const policy = caslPolicy(() => recent);
    expect(policy(request({ issuedAt: new Date('2026-06-01T00:00:00Z') }, 'orders', false, 'Invoice'))).toBe(true);
    expect(allows(policy(request({ issuedAt: new Date('2025-06-01T00:00:00Z') }, 'orders', false, 'Invoice')))).toBe(
      false,
    );
  });
});

describe('caslPolicy: whose ability', () => {
  const seen: CaslSender[] = [];
  const recording: CaslAbilityFactory = (sender, request) => {
    seen.push(sender);
    expect(request.handlerId).toBe('Payments.charge');
    return lookUp(sender, request);
  };

  beforeEach(() => {
    seen.length = 0;
  });

  it('judges by the claimed sender by default, telling the factory it is unverified', () => {
    const policy = caslPolicy(recording);
    expect(policy(request(payment({ amount: 5, currency: 'EUR' }), 'orders', false))).toBe(true);
    expect(seen).toEqual([{ entity: 'orders', verified: false }]);
  });

  it("with identity: 'verified', judges an unverified claim as an anonymous sender", () => {
    const policy = caslPolicy(recording, { identity: 'verified' });
    expect(policy(request(payment({ amount: 5, currency: 'EUR' }), 'orders', true))).toBe(true);
    expect(policy(request(payment({ amount: 5, currency: 'EUR' }), 'orders', false))).toEqual({
      allow: false,
      reason: 'no CASL rule lets an anonymous sender (the claimed "orders" is not verified) handle PaymentRequested',
    });
    expect(seen).toEqual([
      { entity: 'orders', verified: true },
      { entity: undefined, verified: false },
    ]);
    // What anonymous may do, an unverified sender still may.
    expect(policy(request({ items: 3 }, 'orders', false, 'PriceListPublished'))).toBe(true);
  });
});

describe('caslPolicy: field rules', () => {
  const fieldRules = defineAbility((can, cannot) => {
    can('handle', 'PaymentRequested', ['amount', 'currency', 'note']);
    cannot('handle', 'PaymentRequested', 'note', { amount: { $gt: 100 } }).because('large payments carry no note');
  });

  it('denies a payload carrying a field no rule permits, naming the field', () => {
    const policy = caslPolicy(() => fieldRules);
    expect(policy(request(payment({ amount: 5, currency: 'EUR' })))).toBe(true);
    expect(policy(request(payment({ amount: 5, currency: 'EUR', approved: true })))).toEqual({
      allow: false,
      reason:
        'a CASL rule forbids "orders" to handle PaymentRequested with the field "approved": no rule permits the field',
    });
  });

  it('applies a cannot rule on a field, with its reason', () => {
    const policy = caslPolicy(() => fieldRules);
    expect(policy(request(payment({ amount: 50, currency: 'EUR', note: 'hi' })))).toBe(true);
    expect(policy(request(payment({ amount: 500, currency: 'EUR', note: 'hi' })))).toEqual({
      allow: false,
      reason:
        'a CASL rule forbids "orders" to handle PaymentRequested with the field "note": large payments carry no note',
    });
  });

  it('does not count a field that is undefined (a declared class field the sender left out)', () => {
    const withDeclaredFields = Object.assign(payment({ amount: 5, currency: 'EUR' }), { approved: undefined });
    expect(Object.keys(withDeclaredFields)).toContain('approved');
    expect(caslPolicy(() => fieldRules)(request(withDeclaredFields))).toBe(true);
  });

  it('bounds a hostile field name in the reason', () => {
    const name = 'x'.repeat(10_000);
    const decision = caslPolicy(() => fieldRules)(request({ amount: 5, [name]: 1 }));
    expect(allows(decision)).toBe(false);
    expect((decision as { reason: string }).reason.length).toBeLessThan(300);
  });

  it('ignores field rules with checkFields: false', () => {
    const policy = caslPolicy(() => fieldRules, { checkFields: false });
    expect(policy(request(payment({ amount: 500, currency: 'EUR', approved: true, note: 'hi' })))).toBe(true);
  });
});

describe('caslPolicy: a hostile payload', () => {
  const approvedOnly = defineAbility((can) => {
    can('handle', 'PaymentRequested', { approved: true });
    can('handle', 'Anything');
  });
  const policy = caslPolicy(() => approvedOnly);

  it('is not approved by a "__proto__" key, as JSON.parse keeps it', () => {
    const payload = JSON.parse('{"amount":5,"__proto__":{"approved":true}}') as object;
    expect(Object.prototype.hasOwnProperty.call(payload, '__proto__')).toBe(true);
    expect(policy(request(payload))).toEqual({
      allow: false,
      reason: 'no CASL rule lets "orders" handle PaymentRequested: none of the 1 rule(s) for it matches this payload',
    });
    expect(({} as Record<string, unknown>).approved).toBeUndefined();
  });

  it('is not approved by a prototype the decoder let the sender choose, at the top or nested', () => {
    const inherited = Object.setPrototypeOf({ amount: 5 }, { approved: true }) as object;
    expect((inherited as PaymentRequested).approved).toBe(true);
    expect(allows(policy(request(inherited)))).toBe(false);

    const gold = caslPolicy(() =>
      defineAbility((can) => can('handle', 'PaymentRequested', { 'customer.tier': 'gold' })),
    );
    const nested = { amount: 5, customer: Object.setPrototypeOf({}, { tier: 'gold' }) as object };
    expect(allows(gold(request(nested)))).toBe(false);
    expect(allows(gold(request(JSON.parse('{"customer":{"__proto__":{"tier":"gold"}}}') as object)))).toBe(false);
  });

  it('cannot choose its own subject type with "__caslSubjectType__"', () => {
    const payload = JSON.parse('{"amount":5,"__caslSubjectType__":"Anything"}') as object;
    expect(allows(policy(request(payload)))).toBe(false);
  });

  it('leaves the payload the handler gets untouched', () => {
    const payload = payment({ amount: 5, currency: 'EUR', approved: true });
    expect(policy(request(payload))).toBe(true);
    expect(Object.getOwnPropertyNames(payload).sort()).toEqual(['amount', 'approved', 'currency']);
    expect(Object.getPrototypeOf(payload)).toBe(PaymentRequested.prototype);
  });

  it('denies a payload nested deeper than it judges', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 40; level++) deep = { next: deep };
    expect(policy(request(deep, 'orders', false, 'Anything'))).toEqual({
      allow: false,
      reason: 'the payload nests deeper than 32 levels',
    });
  });
});

describe('caslPolicy: fails closed and refuses bad options', () => {
  it('throws (and so the dispatcher denies) when the factory returns no ability', () => {
    const payload = payment({ amount: 5, currency: 'EUR' });
    const cases: [unknown, string][] = [
      [Promise.resolve(orders), 'a promise'],
      [undefined, 'undefined'],
      [{ can: () => true }, 'an object without relevantRuleFor()'],
    ];
    for (const [returned, received] of cases) {
      const policy = caslPolicy((() => returned) as unknown as CaslAbilityFactory);
      expect(() => policy(request(payload))).toThrow(CaslAbilityError);
      expect(() => policy(request(payload))).toThrow(`the ability factory returned ${received}, not a CASL ability`);
    }
  });

  it('refuses bad options when the policy is created', () => {
    const bad: [() => MessagePolicy, string][] = [
      [() => caslPolicy('orders' as unknown as CaslAbilityFactory), 'abilityFor'],
      [() => caslPolicy(lookUp, { action: '' }), 'action'],
      [() => caslPolicy(lookUp, { identity: 'signed' as 'verified' }), 'identity'],
    ];
    for (const [create, option] of bad) {
      expect(create).toThrow(CaslPolicyOptionsError);
      expect(create).toThrow(`caslPolicy() option "${option}"`);
    }
  });
});
