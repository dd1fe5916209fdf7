// The life of a member session signed in with SSO (docs/sso.md): the security group's
// ssoMaxIdleMinutes, the server-side refresh of the IdP tokens (the refresh token sealed at rest) and
// the network's grace period when refreshing fails; and switching SSO on, which signs every password
// session of the network out. Never logs a token.
import * as oidc from 'openid-client';
import { autocommit, readTx, type WriteTx } from '../../infra/db.js';
import * as ssoRepo from '../../domain/sso/repo.js';
import { lastSentAt } from '../../domain/messages/repo.js';
import { deleteMemberSessions } from '../../domain/member-accounts/repo.js';
import type { DomainEvents } from '../../kernel/events.js';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import { endSession, type Member } from './member-auth.js';
import { policyFor } from './policy.js';
import { cachedClientConfig, DEFAULT_REFRESH_S, type SsoDeps } from './sso.js';

/** Activity is written at most once a minute per session. */
const ACTIVITY_WRITE_MS = 60_000;
/** After a failed refresh, the next attempt waits this long (within the grace period). */
const RETRY_REFRESH_MS = 60_000;

/**
 * Refreshes in flight, per session: concurrent requests of one session on this node share one
 * refresh, so a provider that rotates refresh tokens never sees the old one twice.
 */
const refreshing = new Map<string, Promise<void>>();

/**
 * Called for every authenticated request of a member (activity), and by the sweep (not activity).
 * For an SSO session: ends it when it was idle longer than ssoMaxIdleMinutes, refreshes the tokens at
 * the provider when due, and ends it when refreshing has failed for longer than the network's grace
 * period (ssoTokenBufferMinutes).
 */
export async function keepSsoSessionAlive(deps: SsoDeps, events: DomainEvents, member: Pick<Member, 'networkId' | 'userId' | 'deviceId' | 'tokenHash'>, opts: { activity?: boolean } = {}): Promise<void> {
  const running = refreshing.get(member.tokenHash);
  if (running) await running.catch(() => undefined);
  const read = readTx(deps.db);
  const s = await ssoRepo.findSsoSession(read, member.tokenHash);
  if (!s) return;
  const now = deps.now();
  const end = async (message: string): Promise<never> => {
    await endSession(autocommit(deps.db), member.tokenHash);
    // The session's open sockets close too.
    events.emit({ type: 'account-changed', networkId: member.networkId, userId: member.userId, reason: 'sso-session-ended' });
    throw fail('session_expired', message);
  };
  const policy = await policyFor(read, member.networkId, member.userId);
  let lastActivity = Number(s.last_activity_at);
  if (policy.ssoMaxIdleMinutes > 0 && now - lastActivity > policy.ssoMaxIdleMinutes * 60_000) {
    // Messages sent over the socket are activity too (the socket does not touch this table): the
    // device's latest message, looked up only when the session would otherwise end.
    const sentAt = await lastSentAt(read, member.deviceId);
    if (sentAt !== undefined) lastActivity = Math.max(lastActivity, sentAt);
    if (now - lastActivity > policy.ssoMaxIdleMinutes * 60_000) {
      await end(`You were signed out after ${policy.ssoMaxIdleMinutes} minutes without activity. Sign in with SSO again.`);
    }
  }
  const row = await ssoRepo.findOidcConfigOfNetwork(read, member.networkId);
  if (!row) await end('Single sign-on was turned off for your network. Sign in again.');
  const graceMs = (row!.sso_token_buffer_minutes ?? 0) * 60_000;
  const patch: { last_activity_at?: number; refresh_ciphertext?: string | null; refresh_due_at?: number | null; refresh_failed_since?: number | null } = {};
  if ((opts.activity ?? true) && now - Number(s.last_activity_at) >= ACTIVITY_WRITE_MS) patch.last_activity_at = now;
  // Due: refresh at the provider. Without a refresh token (no offline_access) the sign-in cannot be
  // confirmed again, which counts as a failed refresh: the session ends after the grace period.
  if (s.refresh_due_at !== null && Number(s.refresh_due_at) <= now) {
    let ok = false;
    const refresh = async () => {
      if (!s.refresh_ciphertext) return;
      try {
        const config = await cachedClientConfig(row!, deps.secrets);
        const res = await oidc.refreshTokenGrant(config, deps.secrets.open(s.refresh_ciphertext));
        ok = true;
        if (res.refresh_token) patch.refresh_ciphertext = deps.secrets.seal(res.refresh_token);
        patch.refresh_due_at = now + (res.expiresIn() ?? DEFAULT_REFRESH_S) * 1000;
        patch.refresh_failed_since = null;
      } catch {
        ok = false;
      }
    };
    const flight = refresh().then(async () => {
      if (ok) await ssoRepo.updateSsoSession(autocommit(deps.db), member.tokenHash, patch);
    });
    refreshing.set(member.tokenHash, flight);
    try {
      await flight;
    } finally {
      refreshing.delete(member.tokenHash);
    }
    if (ok) return;
    const since = s.refresh_failed_since !== null ? Number(s.refresh_failed_since) : now;
    if (now - since >= graceMs) await end('Your identity provider no longer confirms your sign-in. Sign in with SSO again.');
    patch.refresh_failed_since = since;
    patch.refresh_due_at = now + RETRY_REFRESH_MS;
  }
  if (Object.keys(patch).length > 0) await ssoRepo.updateSsoSession(autocommit(deps.db), member.tokenHash, patch);
}

/**
 * Switching SSO on (the guide: "在網路上啟用 SSO 後，它會將作用中使用者登出"): every member session of
 * the network that was not signed in with SSO ends. Returns the users whose sessions ended.
 */
export async function signOutNonSsoSessions(tx: WriteTx, networkId: string): Promise<number[]> {
  const rows = await ssoRepo.listPasswordSessions(tx, networkId);
  if (rows.length > 0) await deleteMemberSessions(tx, rows.map((r) => r.token_hash));
  return [...new Set(rows.map((r) => Number(r.user_id)))];
}

/** Sessions looked at per sweep (the oldest activity first). */
const SWEEP_LIMIT = 1000;

/**
 * The periodic side of keepSsoSessionAlive, for members who only hold a socket open: refreshes due
 * tokens, applies the grace period and the idle timeout without counting as activity; ended sessions'
 * sockets close. Returns how many sessions ended.
 */
export async function sweepSsoSessions(deps: SsoDeps, events: DomainEvents): Promise<number> {
  const now = deps.now();
  const rows = await ssoRepo.listSsoSessionsToSweep(readTx(deps.db), now, now - ACTIVITY_WRITE_MS, SWEEP_LIMIT);
  let ended = 0;
  for (const r of rows) {
    try {
      await keepSsoSessionAlive(deps, events, { networkId: r.network_id, userId: Number(r.user_id), deviceId: r.device_id, tokenHash: r.token_hash }, { activity: false });
    } catch (err) {
      if (!(err instanceof MessagingError)) throw err;
      ended++;
    }
  }
  return ended;
}
