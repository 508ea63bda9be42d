export type OrderStatus = 'placed' | 'declined' | 'shipped';
