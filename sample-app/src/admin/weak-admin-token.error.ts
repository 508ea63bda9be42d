import { ADMIN_TOKEN_VARIABLE, MIN_ADMIN_TOKEN_LENGTH } from './admin-token-variable';

/** `SAMPLE_ADMIN_TOKEN` is set to something too short to be a secret: the app refuses to start. */
export class WeakAdminTokenError extends Error {
  override readonly name = 'WeakAdminTokenError';
  readonly code = 'WEAK_ADMIN_TOKEN';

  constructor(length: number) {
    super(
      `${ADMIN_TOKEN_VARIABLE} has ${length} characters, fewer than ${MIN_ADMIN_TOKEN_LENGTH}: ` +
        `set it to a long random secret (for example \`openssl rand -hex 24\`) or unset it to keep the operator endpoints closed`,
    );
  }
}
