// Authenticates a request to the admin, IAM and audit APIs: by its SigV4 signature against the
// account's access keys, or, for a request without an Authorization header, by a console session
// cookie (unsafe methods also need the session's CSRF token). The one implementation every admin
// transport uses; what it looks up (keys, sessions) is handed in by app.ts, so the kernel knows no
// repository. Never logs or returns a secret.
import type { FastifyRequest } from 'fastify';
import type { Principal } from './actor.js';
import { ApiError } from './errors.js';
import { verifySigV4 } from './sigv4.js';

export interface Authenticated {
  principal: Principal;
  /** The access key (AKIA…) or console session (ASIA…) the call was made with. */
  accessKeyId?: string;
  session?: { creationDate: number; mfaAuthenticated: boolean };
}

export type Authenticate = (request: FastifyRequest, body: Buffer | undefined) => Promise<Authenticated>;

export interface AuthenticatorOptions {
  region: string;
  /** The SigV4 signing name of the service (`wickr`). */
  service: string;
  now: () => number;
  /** An active access key with its secret and principal, or undefined. */
  findAccessKey(accessKeyId: string): Promise<{ secretAccessKey: string; principal: Principal } | undefined>;
  /** Records a key's last use (called at most once a minute per key). */
  touchAccessKey(accessKeyId: string, at: number): Promise<void>;
  /**
   * The console session the request's cookie names, undefined without a session cookie; throws the
   * session's error (expired, CSRF token missing…).
   */
  findSession(request: FastifyRequest): Promise<Authenticated | undefined>;
}

export function createAuthenticator(o: AuthenticatorOptions): Authenticate {
  const lastTouched = new Map<string, number>();
  return async (request, body) => {
    // A console session (cookie) authenticates only a request without an Authorization header; a
    // signed request is always judged by its signature.
    if (request.headers.authorization === undefined) {
      const session = await o.findSession(request);
      if (session) return session;
    }
    let principal: Principal | undefined;
    const result = await verifySigV4(
      { method: request.method, rawUrl: request.raw.url ?? request.url, headers: request.headers, body, secure: request.protocol === 'https' },
      {
        region: o.region,
        service: o.service,
        now: o.now(),
        lookup: async (id) => {
          const found = await o.findAccessKey(id);
          principal = found?.principal;
          return found;
        },
      },
    );
    if (!result.ok) throw new ApiError(result.kind === 'invalid' ? 'ForbiddenError' : 'UnauthorizedError', result.message);
    // Record the key's last use at most once a minute: a write (and an fsync) per read request
    // would cost more than the request itself.
    const t = o.now();
    if ((lastTouched.get(result.accessKeyId) ?? 0) < t - 60_000) {
      lastTouched.set(result.accessKeyId, t);
      await o.touchAccessKey(result.accessKeyId, t);
    }
    return { principal: principal!, accessKeyId: result.accessKeyId };
  };
}
