// Console sessions (CreateAdminSession): an IAM user signs in with account ID, user name and password
// (and a TOTP code when MFA is enabled) and receives a session cookie and a CSRF token. Calls made
// with the cookie are authenticated here and then go through the same authorizer and audit trail as
// SigV4 calls.
//
// Only IAM users sign in: the account root has no console password in Enclave (it uses its access
// key). The database keeps only SHA-256 hashes of the session token and of the CSRF token.
// Failed sign-ins are throttled in memory per process (see SignInThrottle): with several nodes behind
// a load balancer the limit applies per node, so an attacker spreading attempts over N nodes gets up
// to N times the limit. TOTP replay protection, by contrast, lives in the database and holds across
// nodes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../kernel/actor.js';
import { ApiError, forbidden, unauthorized, type ErrorShape } from '../../kernel/errors.js';
import { ConfigError } from '../../kernel/config.js';
import { denialMessage, type Decision } from '../iam/evaluate.js';
import type { WriteTx } from '../../infra/db.js';
import * as repo from './repo.js';
import { hashPassword, verifyPassword } from '../../infra/passwords.js';
import type { SecretBox } from '../../infra/secret-box.js';
import { verifyTotp } from '../iam/totp.js';

export const SESSION_COOKIE = 'enclave_session';
export const CSRF_HEADER = 'x-csrf-token';
export const CREATE_ADMIN_SESSION_ACTION = 'wickr:CreateAdminSession';

const MINUTE = 60_000;
const TOUCH_INTERVAL_MS = MINUTE;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const INVALID_CREDENTIALS = 'Invalid user name or password.';
export const MFA_REQUIRED = 'MFA code required.';
export const INVALID_MFA = 'Invalid MFA code.';
export const INVALID_CSRF = 'Missing or invalid CSRF token.';
export const SESSION_INVALID = 'The console session is not valid. Sign in again.';
export const SESSION_EXPIRED = 'The console session has expired. Sign in again.';

// ---------------------------------------------------------------------------------------------
// Settings

export interface SessionSettings {
  /** A session ends after this long without a request. */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in, however active. */
  maxLifetimeMs: number;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new ConfigError(`invalid ${name} "${raw}": an integer from 1 to ${max}`);
  }
  return n;
}

/**
 * Session lifetimes from ENCLAVE_SESSION_IDLE_MINUTES (default 15, 1-1440) and
 * ENCLAVE_SESSION_MAX_HOURS (default 12, 1-720). The idle timeout may not exceed the maximum lifetime.
 */
export function sessionSettings(env: NodeJS.ProcessEnv = process.env): SessionSettings {
  const idleMinutes = positiveInt(env, 'ENCLAVE_SESSION_IDLE_MINUTES', 15, 1440);
  const maxHours = positiveInt(env, 'ENCLAVE_SESSION_MAX_HOURS', 12, 720);
  if (idleMinutes > maxHours * 60) {
    throw new ConfigError(`ENCLAVE_SESSION_IDLE_MINUTES (${idleMinutes}) must not exceed ENCLAVE_SESSION_MAX_HOURS (${maxHours}) in minutes`);
  }
  return { idleTimeoutMs: idleMinutes * MINUTE, maxLifetimeMs: maxHours * 60 * MINUTE };
}

// ---------------------------------------------------------------------------------------------
// Throttling of failed sign-ins

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * MINUTE;

/**
 * Counts failed sign-ins per (account, user name) and per source IP over a sliding 15-minute window.
 * After 5 failures under either key, attempts are refused without looking at the password until the
 * oldest of those failures leaves the window. Refused attempts are not counted (the lock-out does
 * not extend itself). A successful sign-in clears the user's counter, not the address's.
 *
 * In memory, per process: correct for one node; with N nodes the effective limit is up to N times
 * higher (documented in docs/console-sessions.md). Bounded: at most `maxKeys` keys are kept, the
 * least recently failed are dropped first.
 */
export class SignInThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly maxKeys = 100_000) {}

  static userKey(accountId: string, userName: string): string {
    return `user\0${accountId}\0${userName.toLowerCase()}`;
  }

  static ipKey(sourceIp: string): string {
    return `ip\0${sourceIp}`;
  }

  #recent(key: string, now: number): number[] {
    const list = this.#failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > now - FAILURE_WINDOW_MS && t <= now);
    if (kept.length === 0) this.#failures.delete(key);
    else if (kept.length !== list.length) this.#failures.set(key, kept);
    return kept;
  }

  /** Milliseconds until attempts under these keys are accepted again; 0 when they are now. */
  retryAfterMs(keys: string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.#recent(key, now);
      if (recent.length >= MAX_FAILURES) {
        const freeAt = recent[recent.length - MAX_FAILURES]! + FAILURE_WINDOW_MS;
        wait = Math.max(wait, freeAt - now);
      }
    }
    return wait;
  }

  recordFailure(keys: string[], now: number): void {
    for (const key of keys) {
      const recent = this.#recent(key, now);
      recent.push(now);
      // Only the last MAX_FAILURES matter for the decision.
      this.#failures.delete(key);
      this.#failures.set(key, recent.slice(-MAX_FAILURES));
    }
    while (this.#failures.size > this.maxKeys) {
      const oldest = this.#failures.keys().next().value as string;
      this.#failures.delete(oldest);
    }
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }
}

const defaultThrottle = new SignInThrottle();

export function rateLimitError(retryAfterMs: number): ApiError {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / MINUTE));
  return new ApiError('RateLimitError', `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
}

// ---------------------------------------------------------------------------------------------
// Tokens and cookies

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The temporary-credential style ID (`ASIA` + 16 characters) that stands for a session in the audit
 * trail (CloudTrail's userIdentity.accessKeyId for console calls). Derived from the stored hash, so it
 * is stable for the session and reveals nothing about the token.
 */
export function sessionAccessKeyId(sessionHash: string): string {
  const bytes = createHash('sha256').update(`access-key-id\0${sessionHash}`).digest();
  let id = 'ASIA';
  for (let i = 0; i < 16; i++) id += ACCESS_KEY_ALPHABET[bytes[i]! & 31];
  return id;
}

/** The session token from a Cookie header, if the header carries the session cookie. */
export function sessionTokenFromCookie(cookieHeader: string | string[] | undefined): string | undefined {
  const headers = Array.isArray(cookieHeader) ? cookieHeader : cookieHeader ? [cookieHeader] : [];
  for (const h of headers) {
    for (const part of h.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      let value = part.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
      if (value) return value;
    }
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}

function hashesEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

// A password hash to verify against when the user does not exist, so that an unknown user name costs
// the same scrypt work as a wrong password.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64'));
  return dummyHash;
}

// ---------------------------------------------------------------------------------------------
// Sign-in

/** What happened at one sign-in attempt, for the audit trail. */
export interface SignInAttempt {
  eventTime: number;
  accountId: string;
  /** The user name as given when the user exists; CloudTrail's HIDDEN_DUE_TO_SECURITY_REASONS otherwise (people type passwords there). */
  userName: string;
  /** The user, once identified (also on a wrong password or MFA code). */
  principal?: Principal;
  sourceIp: string;
  mfaAuthenticated: boolean;
  /** The session's ASIA… ID, on success. */
  accessKeyId?: string;
  /** On failure. */
  error?: { code: ErrorShape; message: string };
}

export interface CreateAdminSessionInput {
  accountId: string;
  userName: string;
  password: string;
  totpCode?: string | undefined;
  sourceIp: string;
  now: number;
  /** Whether the principal may perform wickr:CreateAdminSession (a Decision tells an explicit deny apart). */
  authorize: (principal: Principal) => Promise<boolean | Decision>;
  settings?: SessionSettings;
  throttle?: SignInThrottle;
  /** Called once per attempt, success or failure, before the result is returned or thrown. */
  audit?: (attempt: SignInAttempt) => Promise<void>;
}

export interface AdminSession {
  /** The session token: goes only into the cookie. */
  token: string;
  csrfToken: string;
  principal: Principal;
  /** Absolute expiry, epoch ms (the idle timeout may end the session earlier). */
  expiresAt: number;
  createdAt: number;
  mfaAuthenticated: boolean;
  accessKeyId: string;
}

export const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export async function createAdminSession(db: WriteTx, secrets: SecretBox, input: CreateAdminSessionInput): Promise<AdminSession> {
  const { accountId, userName, password, totpCode, sourceIp, now } = input;
  const settings = input.settings ?? sessionSettings();
  const throttle = input.throttle ?? defaultThrottle;
  const userKey = SignInThrottle.userKey(accountId, userName);
  const keys = [userKey, SignInThrottle.ipKey(sourceIp)];
  let principal: Principal | undefined;
  let mfaAuthenticated = false;

  const fail = async (err: ApiError, countAsFailure: boolean): Promise<never> => {
    if (countAsFailure) throttle.recordFailure(keys, now);
    await input.audit?.({
      eventTime: now,
      accountId,
      userName: principal ? userName : HIDDEN_USER_NAME,
      ...(principal ? { principal } : {}),
      sourceIp,
      mfaAuthenticated,
      error: { code: err.shape, message: err.message },
    });
    throw err;
  };

  const wait = throttle.retryAfterMs(keys, now);
  if (wait > 0) return fail(rateLimitError(wait), false);

  const row = await repo.findSignInUser(db, accountId, userName);

  const passwordHash = row?.password_hash ?? (await dummyPasswordHash());
  const passwordOk = await verifyPassword(password, passwordHash);
  if (!row?.password_hash || !passwordOk) {
    if (row?.password_hash) principal = toPrincipal(row);
    return fail(unauthorized(INVALID_CREDENTIALS), true);
  }
  principal = toPrincipal(row);

  if (Number(row.mfa_enabled) === 1) {
    if (totpCode === undefined || totpCode === '') return fail(unauthorized(MFA_REQUIRED), false);
    let secret: string | undefined;
    try {
      secret = row.mfa_secret_sealed ? secrets.open(row.mfa_secret_sealed) : undefined;
    } catch {
      secret = undefined;
    }
    if (!secret || !(await verifyTotp(db, principal.principalId, secret, totpCode, now))) return fail(unauthorized(INVALID_MFA), true);
    mfaAuthenticated = true;
  }

  const allowed = await input.authorize(principal);
  if (allowed !== true && allowed !== 'Allow') {
    const decision: Decision = allowed === false ? 'ImplicitDeny' : allowed;
    return fail(forbidden(denialMessage(principal.arn, CREATE_ADMIN_SESSION_ACTION, '*', decision)), false);
  }

  throttle.clear(userKey);
  const token = newToken();
  const csrfToken = newToken();
  const sessionHash = sha256(token);
  const expiresAt = now + settings.maxLifetimeMs;
  await deleteExpiredSessions(db, now, settings);
  await repo.insertSession(db, {
    session_hash: sessionHash,
    principal_id: principal.principalId,
    account_id: principal.accountId,
    csrf_hash: sha256(csrfToken),
    mfa_authenticated: mfaAuthenticated ? 1 : 0,
    source_ip: sourceIp,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
  });
  const accessKeyId = sessionAccessKeyId(sessionHash);
  if (input.audit) {
    try {
      await input.audit({ eventTime: now, accountId, userName, principal, sourceIp, mfaAuthenticated, accessKeyId });
    } catch (err) {
      // No session without its audit record.
      await repo.deleteSession(db, sessionHash);
      throw err;
    }
  }
  return { token, csrfToken, principal, expiresAt, createdAt: now, mfaAuthenticated, accessKeyId };
}

function toPrincipal(row: { principal_id: string; account_id: string; arn: string; kind: string; name: string }): Principal {
  return { principalId: row.principal_id, accountId: row.account_id, arn: row.arn, kind: row.kind, name: row.name };
}

// ---------------------------------------------------------------------------------------------
// Authenticating requests

export interface SessionAuthenticated {
  principal: Principal;
  /** The session's ASIA… ID: the audit trail's accessKeyId for console calls. */
  accessKeyId: string;
  session: { creationDate: number; mfaAuthenticated: boolean };
  /** Absolute expiry, epoch ms. */
  expiresAt: number;
  /** When the session ends if no further request comes, epoch ms (never after expiresAt). */
  idleExpiresAt: number;
}

export interface AuthenticateSessionInput {
  cookieHeader: string | string[] | undefined;
  method: string;
  csrfHeader: string | string[] | undefined;
  /** Accepted for the caller's convenience; sessions are not bound to an address (addresses change behind NAT and mobile networks). */
  sourceIp?: string;
  now: number;
  settings?: SessionSettings;
}

/**
 * Authenticates a request by its session cookie. Undefined when the request carries no session
 * cookie; UnauthorizedError when the cookie names no live session (unknown, signed out, expired, the
 * user deleted, its login profile removed or its password changed since sign-in); ForbiddenError when
 * an unsafe method (POST, PUT, PATCH, DELETE) lacks the session's CSRF token in X-CSRF-Token.
 */
export async function authenticateSession(db: WriteTx, input: AuthenticateSessionInput): Promise<SessionAuthenticated | undefined> {
  const token = sessionTokenFromCookie(input.cookieHeader);
  if (token === undefined) return undefined;
  if (!TOKEN_RE.test(token)) throw unauthorized(SESSION_INVALID);
  const settings = input.settings ?? sessionSettings();
  const { now } = input;
  const sessionHash = sha256(token);
  const row = await repo.findSession(db, sessionHash);
  if (!row) throw unauthorized(SESSION_INVALID);

  const createdAt = Number(row.created_at);
  const lastSeen = Number(row.last_seen_at);
  const expiresAt = Number(row.expires_at);
  const passwordChanged = row.password_changed_at === null ? undefined : Number(row.password_changed_at);
  const revoked = row.kind !== 'IAMUser' || !row.password_hash || (passwordChanged !== undefined && passwordChanged > createdAt);
  const expired = now >= expiresAt || now >= lastSeen + settings.idleTimeoutMs;
  if (revoked || expired) {
    await repo.deleteSession(db, sessionHash);
    throw unauthorized(revoked ? SESSION_INVALID : SESSION_EXPIRED);
  }

  if (UNSAFE_METHODS.has(input.method.toUpperCase())) {
    const header = Array.isArray(input.csrfHeader) ? (input.csrfHeader.length === 1 ? input.csrfHeader[0] : undefined) : input.csrfHeader;
    if (!header || !hashesEqual(sha256(header), row.csrf_hash)) throw forbidden(INVALID_CSRF);
  }

  let seen = lastSeen;
  if (now - lastSeen >= TOUCH_INTERVAL_MS) {
    // At most one write a minute per session; the condition keeps concurrent requests from moving it back.
    await repo.touchSession(db, sessionHash, now);
    seen = now;
  }
  return {
    principal: toPrincipal(row),
    accessKeyId: sessionAccessKeyId(sessionHash),
    session: { creationDate: createdAt, mfaAuthenticated: Number(row.mfa_authenticated) === 1 },
    expiresAt,
    idleExpiresAt: Math.min(expiresAt, seen + settings.idleTimeoutMs),
  };
}

// ---------------------------------------------------------------------------------------------
// Sign-out and clean-up

/** Ends the session the token names (sign-out). True when there was one. */
export async function deleteAdminSession(db: WriteTx, token: string): Promise<boolean> {
  return (await repo.deleteSession(db, sha256(token))) > 0;
}

/** Ends every session of a principal (e.g. after a password reset by an administrator). */
export async function deletePrincipalSessions(db: WriteTx, principalId: string): Promise<number> {
  return repo.deleteSessionsOf(db, principalId);
}

/** Removes sessions past their absolute or idle expiry. Returns how many. */
export async function deleteExpiredSessions(db: WriteTx, now: number, settings: SessionSettings = sessionSettings()): Promise<number> {
  return repo.deleteExpired(db, now, now - settings.idleTimeoutMs);
}
