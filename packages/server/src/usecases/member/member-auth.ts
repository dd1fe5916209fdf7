// Member sessions: bearer tokens issued at sign-in, stored only as SHA-256 hashes, bound to one
// device. Every request and socket is authenticated here, and the account rules that can change while
// a member is signed in are checked on every use: a deleted user, a suspended user, a reset or
// revoked device, an expired session. Never stores a token in clear.
import { createHash, randomBytes } from 'node:crypto';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import { deleteMemberSession, findSessionToAuthenticate, insertMemberSession } from '../../domain/member-accounts/repo.js';
import { DEVICE_RESET, STATUS_ACTIVE } from '../../domain/users/users.js';
import { fail } from '../../kernel/member-errors.js';

export interface Member {
  networkId: string;
  userId: number;
  deviceId: string;
  email: string;
  /** False while a new device waits for approval (account takeover protection). */
  approved: boolean;
  tokenHash: string;
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function issueSession(tx: WriteTx, m: { networkId: string; userId: number; deviceId: string }, now: number, expiresAt: number | null): Promise<string> {
  const token = `es_${randomBytes(32).toString('base64url')}`;
  await insertMemberSession(tx, { token_hash: tokenHash(token), device_id: m.deviceId, network_id: m.networkId, user_id: m.userId, created_at: now, last_seen_at: now, expires_at: expiresAt });
  return token;
}

/** Checks a token and the account and device behind it; throws the error a client should show. */
export async function authenticateMember(tx: ReadTx, token: string | undefined, now: number): Promise<Member> {
  if (!token) throw fail('unauthorized');
  const hash = tokenHash(token);
  const row = await findSessionToAuthenticate(tx, hash);
  if (!row) throw fail('unauthorized');
  if (row.user_id === 0) {
    // The network's data retention bot (usecases/member/retention.ts): valid while it is provisioned.
    if (row.bot_name === null) throw fail('user_not_found', 'User not found: the data retention bot was deleted.');
    if (row.revoked === 1 || row.device_status === DEVICE_RESET || row.device_status === null) throw fail('device_reset');
    return { networkId: row.network_id, userId: 0, deviceId: row.device_id, email: row.bot_name, approved: true, tokenHash: hash };
  }
  if (row.username === null || row.status !== STATUS_ACTIVE) throw fail('user_not_found');
  if (row.revoked === 1 || row.device_status === DEVICE_RESET || row.device_status === null) throw fail('device_reset');
  if (row.suspended === 1) throw fail('account_suspended');
  if (row.expires_at !== null && row.expires_at <= now) throw fail('session_expired');
  return { networkId: row.network_id, userId: row.user_id, deviceId: row.device_id, email: row.username, approved: row.approved === 1, tokenHash: hash };
}

/** Bearer token of a request: `Authorization: Bearer <token>`. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** Ends a session (sign-out; an autocommitted delete). */
export async function endSession(tx: WriteTx, hash: string): Promise<void> {
  await deleteMemberSession(tx, hash);
}
