import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../kernel/config.js';
import {
  clearedSessionCookie,
  FAILURE_WINDOW_MS,
  rateLimitError,
  sessionAccessKeyId,
  sessionCookie,
  sessionSettings,
  sessionTokenFromCookie,
  SignInThrottle,
} from './sessions.js';

const T0 = Date.UTC(2030, 0, 1);
const MIN = 60_000;

describe('sessionSettings', () => {
  it('defaults to 15 minutes idle and 12 hours in all', () => {
    expect(sessionSettings({})).toEqual({ idleTimeoutMs: 15 * MIN, maxLifetimeMs: 12 * 60 * MIN });
  });

  it('reads ENCLAVE_SESSION_IDLE_MINUTES and ENCLAVE_SESSION_MAX_HOURS', () => {
    expect(sessionSettings({ ENCLAVE_SESSION_IDLE_MINUTES: '30', ENCLAVE_SESSION_MAX_HOURS: '8' })).toEqual({ idleTimeoutMs: 30 * MIN, maxLifetimeMs: 8 * 60 * MIN });
  });

  it.each([
    [{ ENCLAVE_SESSION_IDLE_MINUTES: '0' }, /ENCLAVE_SESSION_IDLE_MINUTES/],
    [{ ENCLAVE_SESSION_IDLE_MINUTES: '1.5' }, /ENCLAVE_SESSION_IDLE_MINUTES/],
    [{ ENCLAVE_SESSION_IDLE_MINUTES: 'ten' }, /ENCLAVE_SESSION_IDLE_MINUTES/],
    [{ ENCLAVE_SESSION_MAX_HOURS: '-1' }, /ENCLAVE_SESSION_MAX_HOURS/],
    [{ ENCLAVE_SESSION_MAX_HOURS: '721' }, /ENCLAVE_SESSION_MAX_HOURS/],
    [{ ENCLAVE_SESSION_IDLE_MINUTES: '120', ENCLAVE_SESSION_MAX_HOURS: '1' }, /must not exceed/],
  ])('rejects %j', (env, message) => {
    expect(() => sessionSettings(env)).toThrow(ConfigError);
    expect(() => sessionSettings(env)).toThrow(message);
  });
});

describe('cookies', () => {
  const token = 'a'.repeat(43);

  it('finds the session cookie among others', () => {
    expect(sessionTokenFromCookie(`theme=dark; enclave_session=${token}; other=1`)).toBe(token);
    expect(sessionTokenFromCookie(`enclave_session="${token}"`)).toBe(token);
    expect(sessionTokenFromCookie(['x=1', `enclave_session=${token}`])).toBe(token);
  });

  it('reports no cookie when it is absent or empty', () => {
    expect(sessionTokenFromCookie(undefined)).toBeUndefined();
    expect(sessionTokenFromCookie('')).toBeUndefined();
    expect(sessionTokenFromCookie('enclave_session=')).toBeUndefined();
    expect(sessionTokenFromCookie('xenclave_session=abc; enclave_sessionx=abc')).toBeUndefined();
  });

  it('sets HttpOnly and SameSite=Strict always, Secure only over TLS', () => {
    expect(sessionCookie(token, false)).toBe(`enclave_session=${token}; Path=/; HttpOnly; SameSite=Strict`);
    expect(sessionCookie(token, true)).toBe(`enclave_session=${token}; Path=/; HttpOnly; SameSite=Strict; Secure`);
    expect(clearedSessionCookie(true)).toMatch(/^enclave_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0; .*; Secure$/);
  });

  it('names a session by a stable ASIA… ID derived from its hash', () => {
    const id = sessionAccessKeyId('ab'.repeat(32));
    expect(id).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(sessionAccessKeyId('ab'.repeat(32))).toBe(id);
    expect(sessionAccessKeyId('cd'.repeat(32))).not.toBe(id);
  });
});

describe('SignInThrottle', () => {
  const user = SignInThrottle.userKey('123456789012', 'Alice');
  const ip = SignInThrottle.ipKey('192.0.2.1');

  it('refuses after 5 failures within 15 minutes, until the oldest of them leaves the window', () => {
    const th = new SignInThrottle();
    for (let i = 0; i < 4; i++) th.recordFailure([user, ip], T0 + i * MIN);
    expect(th.retryAfterMs([user, ip], T0 + 4 * MIN)).toBe(0);
    th.recordFailure([user, ip], T0 + 4 * MIN);
    expect(th.retryAfterMs([user], T0 + 4 * MIN)).toBe(FAILURE_WINDOW_MS - 4 * MIN);
    expect(th.retryAfterMs([ip], T0 + 10 * MIN)).toBe(5 * MIN);
    expect(th.retryAfterMs([user, ip], T0 + 15 * MIN)).toBe(0);
  });

  it('counts user names case-insensitively and keys independently', () => {
    const th = new SignInThrottle();
    for (let i = 0; i < 5; i++) th.recordFailure([SignInThrottle.userKey('123456789012', i % 2 ? 'ALICE' : 'alice')], T0);
    expect(th.retryAfterMs([user], T0)).toBe(FAILURE_WINDOW_MS);
    expect(th.retryAfterMs([SignInThrottle.userKey('123456789012', 'bob'), ip], T0)).toBe(0);
  });

  it('clears a key on success and forgets failures outside the window', () => {
    const th = new SignInThrottle();
    for (let i = 0; i < 5; i++) th.recordFailure([user], T0);
    th.clear(user);
    expect(th.retryAfterMs([user], T0)).toBe(0);
    for (let i = 0; i < 4; i++) th.recordFailure([user], T0);
    th.recordFailure([user], T0 + FAILURE_WINDOW_MS);
    expect(th.retryAfterMs([user], T0 + FAILURE_WINDOW_MS)).toBe(0);
  });

  it('keeps at most maxKeys keys, dropping the least recently failed', () => {
    const th = new SignInThrottle(2);
    const keys = ['a', 'b', 'c'].map((k) => SignInThrottle.ipKey(k));
    for (const k of keys) for (let i = 0; i < 5; i++) th.recordFailure([k], T0);
    expect(th.retryAfterMs([keys[0]!], T0)).toBe(0);
    expect(th.retryAfterMs([keys[1]!], T0)).toBeGreaterThan(0);
    expect(th.retryAfterMs([keys[2]!], T0)).toBeGreaterThan(0);
  });

  it('words the refusal in minutes, rounded up', () => {
    expect(rateLimitError(15 * MIN).message).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
    expect(rateLimitError(14 * MIN + 1).message).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
    expect(rateLimitError(1000).message).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
    expect(rateLimitError(MIN).status).toBe(429);
    expect(rateLimitError(MIN).shape).toBe('RateLimitError');
  });
});
