/** The environment variable that holds the operator token. */
export const ADMIN_TOKEN_VARIABLE = 'SAMPLE_ADMIN_TOKEN';

/** Shorter secrets can be guessed by anyone who may send requests. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
