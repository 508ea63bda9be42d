import { SERVICE_NAMES, ServiceName } from './service-name';

/** The entity of a process that runs the whole shop, as the sample always had. */
export const WHOLE_SHOP_ENTITY = 'shop';

/**
 * Reads `SERVICES` (a comma list such as `orders,payments`); absent or empty means every service.
 * The result keeps the shop's own order, whatever order the list gave.
 */
export function selectedServices(list: string | undefined): ServiceName[] {
  const requested = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (requested.length === 0) return [...SERVICE_NAMES];
  const unknown = requested.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`SERVICES names unknown services: ${unknown.join(', ')}; known are ${SERVICE_NAMES.join(', ')}`);
  }
  return SERVICE_NAMES.filter((name) => requested.includes(name));
}

/**
 * The module `entity` of a process running `services`. It is the consumer group on durable
 * transports, so two processes share work only when they run the same services: a lone service
 * is named after itself, the whole shop is `shop`, and any other mix gets a name of its own.
 */
export function entityOf(services: readonly ServiceName[]): string {
  if (services.length === SERVICE_NAMES.length) return WHOLE_SHOP_ENTITY;
  return services.join('+');
}
