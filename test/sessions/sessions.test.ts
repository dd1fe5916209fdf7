// Console sessions (CreateAdminSession) against a real server, without a browser: sign-in, the cookie's
// attributes, CSRF on unsafe methods, idle and absolute expiry, MFA with TOTP (and its replay guard),
// throttling of failed sign-ins, the wickr:CreateAdminSession permission and revocation. Time is
// injected (startTestServer's `now`), so nothing here waits.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../packages/server/src/infra/passwords.js';
import { bumpIamGeneration, ensureManagedPolicies, WICKR_FULL_ACCESS_ARN } from '../../packages/server/src/domain/iam/authorizer.js';
import { dialectName, startTestServer, type TestServer } from '../helpers/harness.js';
import { autocommit } from '../../packages/server/src/infra/db.js';

const MIN = 60_000;
// On a 30-second step boundary, so the TOTP step of `clock` is predictable.
const START = Date.UTC(2030, 0, 1, 9, 0, 0);
const INVALID_CREDENTIALS = 'Invalid user name or password.';

// Whether other loopback addresses (127.0.0.2, …) can be used as source addresses (Linux: yes).
const multiLoopback = await new Promise<boolean>((resolve) => {
  const s = createNetServer();
  s.once('error', () => resolve(false));
  s.listen(0, '127.0.0.2', () => s.close(() => resolve(true)));
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  type: string | undefined;
  body: Record<string, unknown>;
}

interface ReqOptions {
  cookie?: string;
  csrf?: string;
  /** JSON body (sent as application/json unless contentType says otherwise). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Source address (a loopback address). */
  from?: string;
}

function call(t: TestServer, method: string, path: string, o: ReqOptions = {}): Promise<Res> {
  const url = new URL(path, t.url);
  const payload = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  const headers: Record<string, string> = { ...o.headers };
  if (payload !== undefined) {
    headers['content-type'] = o.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (o.cookie) headers.cookie = o.cookie;
  if (o.csrf !== undefined) headers['x-csrf-token'] = o.csrf;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, ...(o.from ? { localAddress: o.from } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const type = res.headers['x-amzn-errortype'];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            type: typeof type === 'string' ? type : undefined,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const setCookie = (r: Res) => {
  const h = r.headers['set-cookie'];
  return Array.isArray(h) ? h.join('\n') : (h ?? '');
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Login {
  cookie: string;
  token: string;
  csrf: string;
  body: Record<string, unknown>;
}

describe(`console sessions (${dialectName})`, () => {
  let t: TestServer;
  let clock = START;
  let seq = 0;

  const db = () => t.server.store.db;

  interface UserOptions {
    password?: string;
    mfaSecret?: string;
    /** 'full' attaches AWSWickrFullAccess; an object is an inline policy document; 'none' nothing. */
    policy?: 'full' | 'none' | Record<string, unknown>;
    /** Also attach AWSWickrFullAccess next to an inline policy. */
    alsoFull?: boolean;
  }

  async function createUser(o: UserOptions = {}) {
    const name = `admin${++seq}`;
    const principalId = `AIDA${randomBytes(9).toString('hex').toUpperCase()}`;
    const arn = `arn:aws:iam::${t.accountId}:user/${name}`;
    const password = o.password ?? `pw-${randomBytes(6).toString('hex')}`;
    await db().insertInto('principals').values({ principal_id: principalId, account_id: t.accountId, kind: 'IAMUser', name, arn, created_at: clock }).execute();
    await db()
      .insertInto('iam_user_logins')
      .values({
        principal_id: principalId,
        password_hash: await hashPassword(password),
        mfa_secret_sealed: o.mfaSecret ? t.server.secrets.seal(o.mfaSecret) : null,
        mfa_enabled: o.mfaSecret ? 1 : 0,
        password_changed_at: clock,
      })
      .execute();
    const policy = o.policy ?? 'full';
    if (policy === 'full' || o.alsoFull) await db().insertInto('iam_policy_attachments').values({ policy_arn: WICKR_FULL_ACCESS_ARN, principal_id: principalId }).execute();
    if (typeof policy === 'object') {
      await db().insertInto('iam_inline_policies').values({ principal_id: principalId, policy_name: 'console', document: JSON.stringify(policy) }).execute();
    }
    await bumpIamGeneration(autocommit(db()));
    return { name, principalId, arn, password };
  }

  const signIn = (user: { name: string; password: string }, extra: Record<string, unknown> = {}, from?: string) =>
    call(t, 'POST', '/console/session', { body: { accountId: t.accountId, userName: user.name, password: user.password, ...extra }, ...(from ? { from } : {}) });

  async function login(user: { name: string; password: string }, extra: Record<string, unknown> = {}): Promise<Login> {
    const r = await signIn(user, extra);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const token = /^enclave_session=([^;]+);/.exec(setCookie(r))![1]!;
    return { cookie: `enclave_session=${token}`, token, csrf: r.body.csrfToken as string, body: r.body };
  }

  const totp = (secret: string, at: number) => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });

  beforeAll(async () => {
    t = await startTestServer({ now: () => clock });
    await ensureManagedPolicies(t.server.store.db, clock);
  });
  afterAll(async () => {
    await t?.close();
  });
  // Every test starts in a fresh throttling window (all tests sign in from 127.0.0.1).
  beforeEach(() => {
    clock += 16 * MIN;
  });

  it('signs in and sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP)', async () => {
    const user = await createUser();
    const r = await signIn(user);
    expect(r.status).toBe(200);
    const cookie = setCookie(r);
    expect(cookie).toMatch(/^enclave_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toMatch(/Secure/i);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).toEqual({
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: Math.floor((clock + 12 * 60 * MIN) / 1000),
      idleTimeoutSeconds: 15 * 60,
      mfaAuthenticated: false,
      userArn: user.arn,
      accountId: t.accountId,
    });
    // Only hashes are stored.
    const token = /^enclave_session=([^;]+);/.exec(cookie)![1]!;
    const rows = await db().selectFrom('console_sessions').selectAll().where('principal_id', '=', user.principalId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.session_hash).toBe(sha256(token));
    expect(rows[0]!.csrf_hash).toBe(sha256(r.body.csrfToken as string));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(r.body.csrfToken as string);
    expect(Number(rows[0]!.expires_at)).toBe(clock + 12 * 60 * MIN);

    const me = await call(t, 'GET', '/console/session', { cookie: `enclave_session=${token}` });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userArn: user.arn, accountId: t.accountId, userName: user.name, mfaAuthenticated: false, expiresAt: r.body.expiresAt });
  });

  it('authenticates admin calls with the cookie (GET without CSRF; unsafe methods only with the right X-CSRF-Token)', async () => {
    const user = await createUser();
    const s = await login(user);

    // A GET through fetch, as a browser would send it.
    const list = await fetch(`${t.url}/networks`, { headers: { cookie: s.cookie } });
    expect(list.status).toBe(200);
    expect(await list.json()).toHaveProperty('networks');

    const create = (csrf?: string) => call(t, 'POST', '/networks', { cookie: s.cookie, body: { networkName: 'Console Net', accessLevel: 'STANDARD' }, ...(csrf !== undefined ? { csrf } : {}) });
    for (const csrf of [undefined, '', 'x'.repeat(43), s.token]) {
      const denied = await create(csrf);
      expect(denied.status).toBe(403);
      expect(denied.type).toBe('ForbiddenError');
      expect(denied.body).toEqual({ message: 'Missing or invalid CSRF token.' });
    }
    // Another session's CSRF token does not fit this session.
    const other = await login(user);
    expect((await create(other.csrf)).status).toBe(403);

    const created = await create(s.csrf);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const networkId = created.body.networkId as string;
    const after = await fetch(`${t.url}/networks`, { headers: { cookie: s.cookie } });
    const { networks } = (await after.json()) as { networks: { networkId: string }[] };
    expect(networks.map((n) => n.networkId)).toContain(networkId);
  });

  it('judges a request with an Authorization header by its signature, not by the cookie', async () => {
    const s = await login(await createUser());
    const r = await call(t, 'GET', '/networks', { cookie: s.cookie, headers: { authorization: 'AWS4-HMAC-SHA256 garbage' } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });

  it('refuses unknown and malformed session cookies', async () => {
    for (const cookie of [`enclave_session=${randomBytes(32).toString('base64url')}`, 'enclave_session=short']) {
      const r = await call(t, 'GET', '/networks', { cookie });
      expect(r.status).toBe(401);
      expect(r.type).toBe('UnauthorizedError');
      const me = await call(t, 'GET', '/console/session', { cookie });
      expect(me.status).toBe(401);
      expect(setCookie(me)).toMatch(/^enclave_session=; .*Max-Age=0/);
    }
    const none = await call(t, 'GET', '/console/session');
    expect(none.status).toBe(401);
    expect(none.type).toBe('UnauthorizedError');
  });

  it('signs out (with the CSRF token only) and the cookie stops working', async () => {
    const s = await login(await createUser());
    const noCsrf = await call(t, 'DELETE', '/console/session', { cookie: s.cookie });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body).toEqual({ message: 'Missing or invalid CSRF token.' });
    expect((await call(t, 'GET', '/networks', { cookie: s.cookie })).status).toBe(200);

    const out = await call(t, 'DELETE', '/console/session', { cookie: s.cookie, csrf: s.csrf });
    expect(out.status).toBe(204);
    expect(setCookie(out)).toMatch(/^enclave_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    const after = await call(t, 'GET', '/networks', { cookie: s.cookie });
    expect(after.status).toBe(401);
    expect(after.type).toBe('UnauthorizedError');
    expect((await call(t, 'GET', '/console/session', { cookie: s.cookie })).status).toBe(401);
    expect(await db().selectFrom('console_sessions').select('session_hash').where('session_hash', '=', sha256(s.token)).executeTakeFirst()).toBeUndefined();
  });

  it('ends a session after 15 idle minutes; each use (recorded at most once a minute) extends it', async () => {
    const s = await login(await createUser());
    const hash = sha256(s.token);
    const lastSeen = async () => Number((await db().selectFrom('console_sessions').select('last_seen_at').where('session_hash', '=', hash).executeTakeFirstOrThrow()).last_seen_at);
    const signedInAt = clock;

    clock += 30_000;
    expect((await call(t, 'GET', '/networks', { cookie: s.cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(signedInAt); // under a minute: not written

    clock = signedInAt + 14 * MIN;
    expect((await call(t, 'GET', '/networks', { cookie: s.cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(clock);

    clock = signedInAt + 28 * MIN;
    const me = await call(t, 'GET', '/console/session', { cookie: s.cookie });
    expect(me.status).toBe(200);
    expect(me.body.idleExpiresAt).toBe(Math.floor((clock + 15 * MIN) / 1000));

    clock += 15 * MIN;
    const r = await call(t, 'GET', '/networks', { cookie: s.cookie });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'The console session has expired. Sign in again.' });
    // The expired row is gone, and stays refused.
    expect(await db().selectFrom('console_sessions').select('session_hash').where('session_hash', '=', hash).executeTakeFirst()).toBeUndefined();
    clock -= 10 * MIN;
    expect((await call(t, 'GET', '/networks', { cookie: s.cookie })).status).toBe(401);
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const s = await login(await createUser());
    const signedInAt = clock;
    while (clock + 10 * MIN < signedInAt + 12 * 60 * MIN) {
      clock += 10 * MIN;
      expect((await call(t, 'GET', '/networks', { cookie: s.cookie })).status).toBe(200);
    }
    clock = signedInAt + 12 * 60 * MIN;
    const r = await call(t, 'GET', '/networks', { cookie: s.cookie });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: 'The console session has expired. Sign in again.' });
  });

  it('gives one message for a wrong password, an unknown user or account, a user without a password, and the root', async () => {
    const user = await createUser();
    const noPassword = await createUser();
    await db().updateTable('iam_user_logins').set({ password_hash: null }).where('principal_id', '=', noPassword.principalId).execute();
    const attempts = [
      { accountId: t.accountId, userName: user.name, password: 'wrong' },
      { accountId: t.accountId, userName: 'nobody', password: user.password },
      { accountId: '999999999999', userName: user.name, password: user.password },
      { accountId: t.accountId, userName: noPassword.name, password: noPassword.password },
    ];
    for (const body of attempts) {
      const r = await call(t, 'POST', '/console/session', { body });
      expect(r.status).toBe(401);
      expect(r.type).toBe('UnauthorizedError');
      expect(r.body).toEqual({ message: INVALID_CREDENTIALS });
      expect(setCookie(r)).toBe('');
    }
    clock += 16 * MIN;
    // The account root has no console password: its access key is its only credential.
    const root = await call(t, 'POST', '/console/session', { body: { accountId: t.accountId, userName: 'root', password: t.secretAccessKey } });
    expect(root.status).toBe(401);
    expect(root.body).toEqual({ message: INVALID_CREDENTIALS });
  });

  it('validates the sign-in request (JSON only, required fields)', async () => {
    const user = await createUser();
    const form = await call(t, 'POST', '/console/session', {
      body: `accountId=${t.accountId}&userName=${user.name}&password=${user.password}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(400);
    expect(form.type).toBe('BadRequestError');
    const textPlain = await call(t, 'POST', '/console/session', { body: JSON.stringify({ accountId: t.accountId, userName: user.name, password: user.password }), contentType: 'text/plain' });
    expect(textPlain.status).toBe(400);
    const missing = await call(t, 'POST', '/console/session', { body: { accountId: t.accountId, userName: user.name } });
    expect(missing.status).toBe(422);
    expect(missing.type).toBe('ValidationError');
    expect(missing.body.reasons).toEqual([{ field: 'password', reason: 'is required' }]);
  });

  it('asks for the TOTP code when MFA is enabled, refuses a wrong one and marks the session mfaAuthenticated', async () => {
    const secret = new Secret({ size: 20 }).base32;
    const user = await createUser({ mfaSecret: secret });

    const noCode = await signIn(user);
    expect(noCode.status).toBe(401);
    expect(noCode.body).toEqual({ message: 'MFA code required.' });
    expect(setCookie(noCode)).toBe('');

    const good = totp(secret, clock);
    const wrongCode = good.slice(0, 5) + String((Number(good[5]) + 1) % 10);
    for (const code of [wrongCode, totp(secret, clock - 90_000), 'abcdef']) {
      const wrong = await signIn(user, { totpCode: code });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ message: 'Invalid MFA code.' });
    }
    // A wrong password with a right code is still a wrong password.
    expect((await signIn({ ...user, password: 'wrong' }, { totpCode: good })).body).toEqual({ message: INVALID_CREDENTIALS });

    clock += 16 * MIN;
    const code = totp(secret, clock);
    const s = await login(user, { totpCode: code });
    expect(s.body.mfaAuthenticated).toBe(true);
    const me = await call(t, 'GET', '/console/session', { cookie: s.cookie });
    expect(me.body.mfaAuthenticated).toBe(true);
    expect((await call(t, 'GET', '/networks', { cookie: s.cookie })).status).toBe(200);
  });

  it('accepts a TOTP code once: a replayed or older code is refused, the next step works', async () => {
    const secret = new Secret({ size: 20 }).base32;
    const user = await createUser({ mfaSecret: secret });
    const at = clock;

    // The previous step is accepted (clock drift), then the current one.
    await login(user, { totpCode: totp(secret, at - 30_000) });
    await login(user, { totpCode: totp(secret, at) });
    clock += 5_000;
    for (const code of [totp(secret, at), totp(secret, at - 30_000)]) {
      const replay = await signIn(user, { totpCode: code });
      expect(replay.status).toBe(401);
      expect(replay.body).toEqual({ message: 'Invalid MFA code.' });
    }
    clock = at + 30_000;
    await login(user, { totpCode: totp(secret, clock) });
    expect((await signIn(user, { totpCode: totp(secret, clock) })).body).toEqual({ message: 'Invalid MFA code.' });
  });

  it('refuses sign-in for 15 minutes after 5 failures for a user, without checking the password', async () => {
    const user = await createUser();
    const firstFailure = clock;
    for (let i = 0; i < 5; i++) {
      const r = await signIn({ ...user, password: `wrong${i}` });
      expect(r.status).toBe(401);
      clock += MIN;
    }
    // Five failures at firstFailure … firstFailure+4m; now firstFailure+5m.
    const limited = await signIn(user);
    expect(limited.status).toBe(429);
    expect(limited.type).toBe('RateLimitError');
    expect(limited.body).toEqual({ message: 'Too many failed sign-in attempts. Try again in 10 minutes.' });
    expect(setCookie(limited)).toBe('');

    clock = firstFailure + 14 * MIN;
    expect((await signIn(user)).body).toEqual({ message: 'Too many failed sign-in attempts. Try again in 1 minute.' });
    clock = firstFailure + 15 * MIN;
    await login(user);
  });

  it.runIf(multiLoopback)('limits failures per source address and per user name independently', async () => {
    const victim = await createUser();
    const other = await createUser();
    // Five failures from one address, for five different (unknown) user names.
    for (let i = 0; i < 5; i++) expect((await signIn({ name: `ghost${i}`, password: 'x' }, {}, '127.0.0.2')).status).toBe(401);
    const fromBusyAddress = await signIn(other, {}, '127.0.0.2');
    expect(fromBusyAddress.status).toBe(429);
    expect((await signIn(other, {}, '127.0.0.3')).status).toBe(200);

    // Five failures for one user name, from five different addresses.
    for (let i = 0; i < 5; i++) expect((await signIn({ ...victim, password: 'x' }, {}, `127.0.1.${i + 1}`)).status).toBe(401);
    expect((await signIn(victim, {}, '127.0.2.1')).status).toBe(429);
    expect((await signIn({ ...victim, name: victim.name.toUpperCase() }, {}, '127.0.2.2')).status).toBe(429);
  });

  it('needs wickr:CreateAdminSession, and judges later calls by the same policies', async () => {
    const noPolicy = await createUser({ policy: 'none' });
    const r = await signIn(noPolicy);
    expect(r.status).toBe(403);
    expect(r.type).toBe('ForbiddenError');
    expect(r.body).toEqual({ message: `User: ${noPolicy.arn} is not authorized to perform: wickr:CreateAdminSession on resource: *` });
    expect(setCookie(r)).toBe('');

    const denied = await createUser({ policy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'wickr:CreateAdminSession', Resource: '*' }] }, alsoFull: true });
    const d = await signIn(denied);
    expect(d.status).toBe(403);
    expect(d.body).toEqual({ message: `User: ${denied.arn} is not authorized to perform: wickr:CreateAdminSession on resource: * with an explicit deny` });

    // Permission to sign in only: the console opens, ListNetworks is denied by the same evaluator.
    const consoleOnly = await createUser({ policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'wickr:CreateAdminSession', Resource: '*' }] } });
    const s = await login(consoleOnly);
    const list = await call(t, 'GET', '/networks', { cookie: s.cookie });
    expect(list.status).toBe(403);
    expect(list.body).toEqual({ message: `User: ${consoleOnly.arn} is not authorized to perform: wickr:ListNetworks on resource: *` });
  });

  it('stops a session when its user is deleted, its login profile removed or its password changed', async () => {
    const deleted = await createUser();
    const s1 = await login(deleted);
    await db().deleteFrom('principals').where('principal_id', '=', deleted.principalId).execute();
    await bumpIamGeneration(autocommit(db()));
    const r1 = await call(t, 'GET', '/networks', { cookie: s1.cookie });
    expect(r1.status).toBe(401);
    expect(r1.type).toBe('UnauthorizedError');

    const noProfile = await createUser();
    const s2 = await login(noProfile);
    await db().deleteFrom('iam_user_logins').where('principal_id', '=', noProfile.principalId).execute();
    await bumpIamGeneration(autocommit(db()));
    expect((await call(t, 'GET', '/networks', { cookie: s2.cookie })).status).toBe(401);
    expect(await db().selectFrom('console_sessions').select('session_hash').where('principal_id', '=', noProfile.principalId).execute()).toEqual([]);

    // DeleteLoginProfile keeps the row and clears the password.
    const cleared = await createUser();
    const s4 = await login(cleared);
    await db().updateTable('iam_user_logins').set({ password_hash: null, password_changed_at: null }).where('principal_id', '=', cleared.principalId).execute();
    expect((await call(t, 'GET', '/console/session', { cookie: s4.cookie })).status).toBe(401);

    const changed = await createUser();
    const s3 = await login(changed);
    clock += MIN;
    await db().updateTable('iam_user_logins').set({ password_hash: await hashPassword('new password'), password_changed_at: clock }).where('principal_id', '=', changed.principalId).execute();
    expect((await call(t, 'GET', '/networks', { cookie: s3.cookie })).status).toBe(401);
    await login({ name: changed.name, password: 'new password' });
  });
});
