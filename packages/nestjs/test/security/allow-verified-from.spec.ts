import { MessagePolicyDecision, MessagePolicyRequest, allowFrom, allowVerifiedFrom } from '@smart-message/nestjs';

const allows = (decision: MessagePolicyDecision): boolean =>
  decision === true || (typeof decision === 'object' && decision.allow);

const request = (from: string, verified: boolean): MessagePolicyRequest => ({
  messageClass: 'PaymentRequested',
  version: 1,
  from,
  to: 'payments',
  verified,
  payload: {},
  handlerId: 'PaymentsService.authorize',
  transport: 'memory',
});

describe('allowVerifiedFrom', () => {
  it.each([
    ['orders', true, true],
    ['orders', false, false],
    ['kiosk', true, false],
    ['kiosk', false, false],
  ])('from %s, verified %s: allowed %s', (from, verified, allowed) => {
    expect(allows(allowVerifiedFrom('orders')(request(from, verified)))).toBe(allowed);
  });

  it('says why an unverified claim is denied, where allowFrom lets it through', () => {
    expect(allowFrom('orders')(request('orders', false))).toBe(true);
    expect(allowVerifiedFrom('orders')(request('orders', false))).toEqual({
      allow: false,
      reason: 'sender "orders" is not proven by a signature',
    });
  });
});
