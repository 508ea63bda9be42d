import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AdminAccess } from './admin-access';
import { ADMIN_TOKEN_VARIABLE } from './admin-token-variable';

interface HttpRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponseLike {
  setHeader(name: string, value: string): void;
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Lets a request through only with `Authorization: Bearer <SAMPLE_ADMIN_TOKEN>`. Without the
 * variable the endpoints it guards are closed to everyone (403), so a fresh checkout never
 * serves dead letter payloads, replays or fault injection to whoever can reach the port.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly access: AdminAccess) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const endpoint = `${request.method} ${request.url.split('?')[0]}`;
    const expected = this.access.token;
    if (expected === undefined) {
      throw new ForbiddenException(
        `${endpoint} is an operator endpoint and is closed: start the app with ${ADMIN_TOKEN_VARIABLE} set to a secret ` +
          `and send it as "Authorization: Bearer <token>"`,
      );
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined || !sameSecret(presented, expected)) {
      http.getResponse<HttpResponseLike>().setHeader('WWW-Authenticate', 'Bearer realm="sample-shop operator"');
      throw new UnauthorizedException(
        `${endpoint} is an operator endpoint: send ${ADMIN_TOKEN_VARIABLE} as "Authorization: Bearer <token>"` +
          (presented === undefined ? '' : ' (the token sent does not match)'),
      );
    }
    return true;
  }
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}

/** Compares digests, so neither the length nor the first differing character shows in the timing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
