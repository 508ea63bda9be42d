import { ADMIN_TOKEN_VARIABLE, MIN_ADMIN_TOKEN_LENGTH } from './admin-token-variable';
import { WeakAdminTokenError } from './weak-admin-token.error';

/** Who may use the operator endpoints: whoever presents `token`; nobody when it is undefined. */
export class AdminAccess {
  constructor(readonly token: string | undefined) {}
}

/** Reads `SAMPLE_ADMIN_TOKEN`; unset or empty leaves the operator endpoints closed. */
export function adminAccessFrom(env: NodeJS.ProcessEnv): AdminAccess {
  const token = env[ADMIN_TOKEN_VARIABLE];
  if (token === undefined || token === '') return new AdminAccess(undefined);
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) throw new WeakAdminTokenError(token.length);
  return new AdminAccess(token);
}
