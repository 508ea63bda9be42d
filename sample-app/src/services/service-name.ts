/** The shop's services, each a feature module that can run in a process of its own. */
export const SERVICE_NAMES = ['orders', 'payments', 'fulfillment', 'notifications'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];
