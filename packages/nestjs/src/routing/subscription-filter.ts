import { InvalidFilterError } from '../errors';
import { MessageHeader } from '../interfaces/message-header.interface';
import { SubscriptionFilters } from '../interfaces/subscribe-options.interface';
import { AddressMatcher, matchesAddress, toAddressMatcher } from './address-matcher';

/**
 * The original SmartMessage's filter rule: `from` must match when given; when `to` or
 * `broadcast` is given, a message passes if (broadcast and it has no recipient) or its
 * recipient matches `to`; with neither, every message passes. Only the header is read.
 */
export class SubscriptionFilter {
  private readonly from?: AddressMatcher;
  private readonly to?: AddressMatcher;
  private readonly broadcast: boolean;

  constructor(filters: SubscriptionFilters = {}) {
    this.from = toAddressMatcher(filters.from, 'from');
    this.to = toAddressMatcher(filters.to, 'to');
    if (filters.broadcast !== undefined && typeof filters.broadcast !== 'boolean') {
      throw new InvalidFilterError(`broadcast must be a boolean, got ${typeof filters.broadcast}`);
    }
    this.broadcast = filters.broadcast === true;
  }

  matches(header: Pick<MessageHeader, 'from' | 'to'>): boolean {
    if (this.from && !matchesAddress(this.from, header.from)) return false;
    if (this.to === undefined && !this.broadcast) return true;
    if (this.broadcast && header.to === undefined) return true;
    return this.to !== undefined && matchesAddress(this.to, header.to);
  }

  /** For the routing table in logs: `from=a|/b/ to=c broadcast`. */
  toString(): string {
    const parts: string[] = [];
    if (this.from) parts.push(`from=${this.from.map(String).join('|')}`);
    if (this.to) parts.push(`to=${this.to.map(String).join('|')}`);
    if (this.broadcast) parts.push('broadcast');
    return parts.join(' ') || 'all';
  }
}
