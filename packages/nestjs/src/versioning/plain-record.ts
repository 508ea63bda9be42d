import { PlainPayload } from './upcaster.interface';

/** Whether `value` is an object an upcaster may read as a record: not null, not an array. */
export function isPlainRecord(value: unknown): value is PlainPayload {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
