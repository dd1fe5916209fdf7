// HTTP routes of the console session (CreateAdminSession):
//   POST   /console/session  {accountId, userName, password, totpCode?} → sign in, sets the cookie
//   GET    /console/session  → who am I
//   DELETE /console/session  → sign out (needs X-CSRF-Token)
// Errors in the AWS error shape. The sign-in request must be application/json: a cross-site HTML
// form cannot send that, and a cross-site fetch needs a CORS preflight that this server never grants,
// so no other site can sign a browser in under its own account (login CSRF).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAwsError } from '../../kernel/errors.js';
import type { SessionAuditEvent } from '../audit-trail.js';
import { ApiError, badRequest, unauthorized, validation } from '../../kernel/errors.js';
import type { Authorizer } from '../../domain/iam/authorizer.js';
import { autocommit, type Store } from '../../infra/db.js';
import type { SecretBox } from '../../infra/secret-box.js';
import {
  authenticateSession,
  clearedSessionCookie,
  createAdminSession,
  CREATE_ADMIN_SESSION_ACTION,
  CSRF_HEADER,
  deleteAdminSession,
  dummyPasswordHash,
  sessionCookie,
  sessionSettings,
  sessionTokenFromCookie,
  SignInThrottle,
  type SessionSettings,
  type SignInAttempt,
} from '../../domain/console-sessions/sessions.js';

export const SESSION_PATH = '/console/session';


export interface SessionRoutesOptions {
  store: Store;
  secrets: SecretBox;
  authorizer: Authorizer;
  audit?: (event: SessionAuditEvent) => Promise<void>;
  now?: () => number;
  /** Defaults to sessionSettings() (ENCLAVE_SESSION_IDLE_MINUTES, ENCLAVE_SESSION_MAX_HOURS). */
  settings?: SessionSettings;
  /** Defaults to a throttle of this server instance. */
  throttle?: SignInThrottle;
}

const MAX_FIELD = { accountId: 64, userName: 128, password: 1024, totpCode: 16 } as const;

function readSignIn(request: FastifyRequest): { accountId: string; userName: string; password: string; totpCode?: string } {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') throw badRequest('The sign-in request must have Content-Type: application/json.');
  const raw = request.body instanceof Buffer ? request.body.toString('utf8') : '';
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const reasons: { field: string; reason: string }[] = [];
  for (const field of ['accountId', 'userName', 'password', 'totpCode'] as const) {
    const v = b[field];
    if (v === undefined || v === null) {
      if (field !== 'totpCode') reasons.push({ field, reason: 'is required' });
    } else if (typeof v !== 'string') reasons.push({ field, reason: 'must be a string' });
    else if (v.length === 0 && field !== 'totpCode') reasons.push({ field, reason: 'must not be empty' });
    else if (v.length > MAX_FIELD[field]) reasons.push({ field, reason: `must be at most ${MAX_FIELD[field]} characters` });
  }
  if (reasons.length) throw validation(reasons);
  return {
    accountId: b.accountId as string,
    userName: b.userName as string,
    password: b.password as string,
    ...(typeof b.totpCode === 'string' ? { totpCode: b.totpCode } : {}),
  };
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export async function registerSessionRoutes(app: FastifyInstance, opts: SessionRoutesOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const settings = opts.settings ?? sessionSettings();
  const throttle = opts.throttle ?? new SignInThrottle();
  const { db } = opts.store;
  // Computed now, so that the first unknown user name costs no more than any other.
  await dummyPasswordHash();

  const secure = (request: FastifyRequest) => request.protocol === 'https';
  const userAgent = (request: FastifyRequest) => String(request.headers['user-agent'] ?? '');
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');
  const fail = (request: FastifyRequest, reply: FastifyReply, err: unknown, clearCookie: boolean) => {
    if (!(err instanceof ApiError)) throw err;
    noStore(reply);
    if (clearCookie && err.shape === 'UnauthorizedError') reply.header('set-cookie', clearedSessionCookie(secure(request)));
    return sendAwsError(reply, err);
  };

  app.post(SESSION_PATH, async (request, reply) => {
    try {
      const input = readSignIn(request);
      const requestId = request.enclaveRequestId ?? request.id;
      const session = await createAdminSession(autocommit(db), opts.secrets, {
        ...input,
        sourceIp: request.ip,
        now: now(),
        settings,
        throttle,
        authorize: async (principal) => (await opts.authorizer.authorize(principal, CREATE_ADMIN_SESSION_ACTION, '*')).decision,
        ...(opts.audit
          ? {
              audit: (a: SignInAttempt) =>
                opts.audit!({
                  ...a,
                  eventName: 'CreateAdminSession',
                  requestId,
                  userAgent: userAgent(request),
                  ...(a.error ? {} : { sessionCreationDate: a.eventTime }),
                }),
            }
          : {}),
      });
      return noStore(reply)
        .status(200)
        .header('set-cookie', sessionCookie(session.token, secure(request)))
        .header('content-type', 'application/json')
        .send(
          JSON.stringify({
            csrfToken: session.csrfToken,
            expiresAt: seconds(session.expiresAt),
            idleTimeoutSeconds: seconds(settings.idleTimeoutMs),
            mfaAuthenticated: session.mfaAuthenticated,
            userArn: session.principal.arn,
            accountId: session.principal.accountId,
          }),
        );
    } catch (err) {
      return fail(request, reply, err, false);
    }
  });

  app.get(SESSION_PATH, async (request, reply) => {
    try {
      const auth = await authenticateSession(autocommit(db), { cookieHeader: request.headers.cookie, method: 'GET', csrfHeader: undefined, sourceIp: request.ip, now: now(), settings });
      if (!auth) throw unauthorized('No console session. Sign in first.');
      return noStore(reply)
        .status(200)
        .header('content-type', 'application/json')
        .send(
          JSON.stringify({
            userArn: auth.principal.arn,
            accountId: auth.principal.accountId,
            userName: auth.principal.name,
            expiresAt: seconds(auth.expiresAt),
            idleExpiresAt: seconds(auth.idleExpiresAt),
            mfaAuthenticated: auth.session.mfaAuthenticated,
          }),
        );
    } catch (err) {
      return fail(request, reply, err, true);
    }
  });

  app.delete(SESSION_PATH, async (request, reply) => {
    try {
      const at = now();
      const auth = await authenticateSession(autocommit(db), {
        cookieHeader: request.headers.cookie,
        method: 'DELETE',
        csrfHeader: request.headers[CSRF_HEADER],
        sourceIp: request.ip,
        now: at,
        settings,
      });
      if (!auth) throw unauthorized('No console session. Sign in first.');
      await deleteAdminSession(autocommit(db), sessionTokenFromCookie(request.headers.cookie)!);
      await opts.audit?.({
        eventName: 'DeleteAdminSession',
        eventTime: at,
        accountId: auth.principal.accountId,
        userName: auth.principal.name,
        principal: auth.principal,
        sourceIp: request.ip,
        mfaAuthenticated: auth.session.mfaAuthenticated,
        accessKeyId: auth.accessKeyId,
        sessionCreationDate: auth.session.creationDate,
        requestId: request.enclaveRequestId ?? request.id,
        userAgent: userAgent(request),
      });
      return noStore(reply).status(204).header('set-cookie', clearedSessionCookie(secure(request))).send();
    } catch (err) {
      return fail(request, reply, err, true);
    }
  });
}
