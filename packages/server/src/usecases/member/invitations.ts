// Invitations (the guide's 邀請使用者): the email BatchCreateUser and BatchReinviteUser send, rendered
// from the user's current rows when it is sent (its text: domain/mail/rules.ts), and the invite
// information the registration page shows before the member chooses a password. The code is the
// secret, so the information endpoint needs no sign-in and failed look-ups are throttled per address.
import type { InviteInfo } from '@enclave/protocol';
import type { ReadTx } from '../../infra/db.js';
import { isInviteExpired, isValidInviteCode, normalizeEmail, STATUS_ACTIVE, STATUS_PENDING, type UserRow } from '../../domain/users/users.js';
import { findInvitationOf, findMembersByInviteCode } from '../../domain/users/repo.js';
import { effectivePasswordRequirements } from '../../domain/users/password-rules.js';
import { invitationLink, renderInvitation } from '../../domain/mail/rules.js';
import { fail } from '../../kernel/member-errors.js';
import { policyFor } from './policy.js';

/** What an invitation row renders to now, or why it is no longer sent. */
export type InvitationOutcome =
  | { send: true; to: string; subject: string; text: string; link: string; expiresAt: number }
  | { send: false; state: 'dropped' | 'failed'; reason: string };

/**
 * Renders the invitation of a user from the current rows: the current code and expiry (a reinvite
 * or an edited code is what is mailed), names and network name. Nothing is sent for a user who was
 * deleted or has registered; an expired invitation is given up.
 */
export async function renderInvitationFor(tx: ReadTx, networkId: string, userId: number, publicUrl: string, now: number): Promise<InvitationOutcome> {
  const row = await findInvitationOf(tx, networkId, userId);
  if (!row) return { send: false, state: 'dropped', reason: 'the user was deleted' };
  if (row.status === STATUS_ACTIVE) return { send: false, state: 'dropped', reason: 'the user has registered' };
  if (row.status !== STATUS_PENDING) return { send: false, state: 'dropped', reason: `the user is not pending (status ${row.status})` };
  if (isInviteExpired(row, now)) return { send: false, state: 'failed', reason: 'the invite code expired before the invitation could be delivered' };
  const expiresAt = row.invite_expiration * 1000;
  const content = renderInvitation({ networkName: row.network_name, email: row.username, firstName: row.first_name, lastName: row.last_name, code: row.invite_code, expiresAt, publicUrl });
  return { send: true, to: row.username, ...content, link: invitationLink(publicUrl, row.invite_code), expiresAt };
}

/**
 * The invitation an invite code (and, when several invitations share an administrator-chosen
 * code, an email address) names, as the registration page shows it. Throws invite_invalid for an
 * unknown code (the route counts these per address), invite_expired, or already_registered for a
 * used one.
 */
export async function inviteInfo(tx: ReadTx, rawCode: string, rawEmail: string | undefined, now: number): Promise<InviteInfo> {
  const code = rawCode.trim();
  if (!isValidInviteCode(code)) throw fail('invite_invalid');
  let rows: UserRow[] = await findMembersByInviteCode(tx, code);
  if (rawEmail !== undefined && rawEmail !== '') {
    const email = normalizeEmail(rawEmail);
    rows = rows.filter((r) => r.username === email);
  }
  if (rows.length === 0) throw fail('invite_invalid');
  const pending = rows.filter((r) => r.status === STATUS_PENDING);
  if (pending.length === 0) {
    if (rows.some((r) => r.status === STATUS_ACTIVE)) throw fail('already_registered');
    throw fail('invite_invalid');
  }
  if (pending.length > 1) {
    throw fail('conflict', 'This invite code belongs to several invitations: add your email address (?email=).', [{ field: 'email', reason: 'required for this invite code' }]);
  }
  const user = pending[0]!;
  if (isInviteExpired(user, now)) throw fail('invite_expired');
  const policy = await policyFor(tx, user.network_id, user.user_id);
  return {
    email: user.username,
    firstName: user.first_name,
    lastName: user.last_name,
    networkName: policy.networkName,
    passwordRequirements: effectivePasswordRequirements(policy.passwordRequirements),
    showMasterRecoveryKey: policy.showMasterRecoveryKey,
    expiresAt: user.invite_expiration * 1000,
  };
}
