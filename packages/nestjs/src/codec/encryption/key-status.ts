/**
 * What a key may do. `primary` encrypts and decrypts; `decrypt-only` decrypts messages still in
 * flight (or sent by services not yet moved to a new primary); `retired` is known, so a message
 * under it is refused with `KeyRetiredError` rather than taken for an unknown key.
 */
export type KeyStatus = 'primary' | 'decrypt-only' | 'retired';

/** Every `KeyStatus`, for checking a status read from a file or the environment. */
export const KEY_STATUSES: readonly KeyStatus[] = ['primary', 'decrypt-only', 'retired'];
