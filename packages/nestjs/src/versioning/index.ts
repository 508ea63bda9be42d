export type { Upcaster, Downcaster, FutureVersionPolicy, PlainPayload } from './upcaster.interface';
export { FutureVersionError } from './future-version.error';
export { UpcastFailedError } from './upcast-failed.error';
export { DowncastFailedError } from './downcast-failed.error';
