import { InvalidOptionError } from '../errors/invalid-option.error';
import { HEADER_LIMITS } from '../codec/header-limits';
import type { PublishOptions } from '../interfaces/publish-options.interface';
import type { TransportPublishOptions } from '../transports/transport-publish-options.interface';

const OWNER = 'publish';
const INT32 = 2 ** 31;
// Far beyond any real schedule, and within what a Date and a database timestamp hold.
const MAX_DELAY_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * The delivery options of a publish, checked, in the transport's terms (`delayMs` becomes a
 * `notBefore`). Undefined when there are none: the common publish takes no extra step.
 */
export function deliveryOptionsOf(options: PublishOptions): TransportPublishOptions | undefined {
  const { transaction, delayMs, notBefore, priority, orderingKey } = options;
  if (
    transaction === undefined &&
    delayMs === undefined &&
    notBefore === undefined &&
    priority === undefined &&
    orderingKey === undefined
  )
    return undefined;
  const delivery: TransportPublishOptions = {};
  if (transaction !== undefined) {
    // A Knex `trx` is a function (a query builder you call), so functions pass too.
    if (transaction === null || (typeof transaction !== 'object' && typeof transaction !== 'function'))
      throw new InvalidOptionError(OWNER, 'transaction', transaction, 'your open transaction object');
    delivery.transaction = transaction;
  }
  if (delayMs !== undefined && notBefore !== undefined)
    throw new InvalidOptionError(OWNER, 'delayMs', delayMs, 'left out when `notBefore` is given (give one of them)');
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS)
      throw new InvalidOptionError(OWNER, 'delayMs', delayMs, `a number of ms from 0 to ${MAX_DELAY_MS}`);
    if (delayMs > 0) delivery.notBefore = new Date(Date.now() + delayMs);
  }
  if (notBefore !== undefined) {
    if (!(notBefore instanceof Date) || Number.isNaN(notBefore.getTime()))
      throw new InvalidOptionError(OWNER, 'notBefore', notBefore, 'a valid Date');
    if (notBefore.getTime() > Date.now() + MAX_DELAY_MS)
      throw new InvalidOptionError(OWNER, 'notBefore', notBefore.toISOString(), 'at most ten years ahead');
    delivery.notBefore = notBefore;
  }
  if (priority !== undefined) {
    if (!Number.isInteger(priority) || priority < -INT32 || priority >= INT32)
      throw new InvalidOptionError(OWNER, 'priority', priority, 'a 32-bit integer');
    delivery.priority = priority;
  }
  if (orderingKey !== undefined) {
    if (typeof orderingKey !== 'string' || orderingKey.length === 0 || orderingKey.length > HEADER_LIMITS.id)
      throw new InvalidOptionError(
        OWNER,
        'orderingKey',
        orderingKey,
        `a string of 1 to ${HEADER_LIMITS.id} characters`,
      );
    delivery.orderingKey = orderingKey;
  }
  return delivery;
}
