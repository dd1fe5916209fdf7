// Member accounts: registration with the invite code from BatchCreateUser (PENDING → ACTIVE),
// email + password sign-in with the security group's lockout threshold (24-hour lock), device
// approval under account takeover protection (a code from another device, an emailed code, or the
// master recovery key), re-authentication, and the password reset that is a full account reset as
// the guide warns. Passwords are stored as scrypt hashes only.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { LoginRequest, NewDevice, PasswordResetComplete, Policy, RegisterRequest, SessionResponse } from '@enclave/protocol';
import { hashPassword, verifyPassword } from '../../infra/passwords.js';
import { isInviteExpired, normalizeEmail, STATUS_ACTIVE, STATUS_PENDING } from '../../domain/users/users.js';
import type { Database } from '../../infra/schema.js';
import { codeHash, createDevice, newApprovalCode, verifyLoginSignature, APPROVAL_CODE_TTL_MS } from './devices.js';
import { recordDevicesChanged } from './conversations.js';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import type { Mailer } from '../../infra/mailer.js';
import { issueSession, type Member } from './member-auth.js';
import { passwordViolations } from '../../domain/users/password-rules.js';
import { policyFor } from './policy.js';
import { checkBotPassword, isRetentionBot } from './retention.js';

type Db = Kysely<Database>;
export const LOCK_MS = 24 * 60 * 60_000;
export const RESET_TTL_MS = 24 * 60 * 60_000;

export interface AccountDeps {
  db: Db;
  mailer: Mailer;
  now: () => number;
  /** Base URL members use (for links in emails). */
  publicUrl: () => string;
  /** Told after commit when a user's devices or memberships changed (sockets close, conversations update). */
  onAccountChanged: (networkId: string, userId: number) => void;
  /** Told after commit that records were appended to conversations (delivery to connected members). */
  onRecords: (records: { convId: string; seq: number }[]) => void;
}

const recoveryHash = (key: string) => createHash('sha256').update(`enclave-recovery\0${key.replace(/[\s-]/g, '').toUpperCase()}`).digest('base64url');

function newRecoveryKey(): string {
  const raw = randomBytes(20).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(24, 'X').slice(0, 24);
  return raw.match(/.{4}/g)!.join('-');
}

type SessionMember = { networkId: string; userId: number; deviceId: string; approved: boolean };

/** The sign-in answer for a session whose token and expiry are known (the policy read once). */
async function sessionResponse(db: Db, m: SessionMember, token: string, expiresAt: number | null, policy?: Policy, recoveryKey?: string): Promise<SessionResponse> {
  const user = await db.selectFrom('users').select(['username', 'first_name', 'last_name']).where('network_id', '=', m.networkId).where('user_id', '=', m.userId).executeTakeFirstOrThrow();
  return {
    token,
    userId: m.userId,
    networkId: m.networkId,
    email: user.username,
    firstName: user.first_name,
    lastName: user.last_name,
    deviceId: m.deviceId,
    deviceStatus: m.approved ? 'ACTIVE' : 'PENDING_APPROVAL',
    ...(recoveryKey ? { recoveryKey } : {}),
    expiresAt,
    policy: policy ?? (await policyFor(db, m.networkId, m.userId)),
  };
}

/** Issues a session for a device (expiring at the non-SSO timeout, if any) and answers with it. */
async function startSession(db: Db, m: SessionMember, now: number, recoveryKey?: string): Promise<SessionResponse> {
  const policy = await policyFor(db, m.networkId, m.userId);
  const expiresAt = policy.sessionTimeoutMinutes > 0 ? now + policy.sessionTimeoutMinutes * 60_000 : null;
  const token = await issueSession(db, m, now, expiresAt);
  return sessionResponse(db, m, token, expiresAt, policy, recoveryKey);
}

export async function register(deps: AccountDeps, input: z.infer<typeof RegisterRequest>): Promise<SessionResponse> {
  const email = normalizeEmail(input.email);
  if (!email) throw fail('bad_request', 'Enter a valid email address.', [{ field: 'email', reason: 'not an email address' }]);
  const now = deps.now();
  const passwordHash = await hashPassword(input.password); // outside the transaction: scrypt is slow
  return deps.db.transaction().execute(async (db) => {
    const users = await db.selectFrom('users').selectAll().where('username', '=', email).execute();
    if (users.length === 0) throw fail('user_not_found');
    const user = users.find((u) => u.invite_code === input.inviteCode.trim());
    if (!user) {
      if (users.every((u) => u.status === STATUS_ACTIVE)) throw fail('already_registered');
      throw fail('invite_invalid');
    }
    if (user.status === STATUS_ACTIVE) throw fail('already_registered');
    if (user.status !== STATUS_PENDING) throw fail('invite_invalid');
    if (isInviteExpired(user, now)) throw fail('invite_expired');
    const policy = await policyFor(db, user.network_id, user.user_id);
    const violations = passwordViolations(input.password, policy.passwordRequirements);
    if (violations.length > 0) throw new MessagingError('password_policy', undefined, violations);
    const recoveryKey = policy.showMasterRecoveryKey ? newRecoveryKey() : undefined;
    await db
      .insertInto('member_accounts')
      .values({ network_id: user.network_id, user_id: user.user_id, password_hash: passwordHash, failed_attempts: 0, locked_until: null, recovery_key_hash: recoveryKey ? recoveryHash(recoveryKey) : null, registered_at: now, password_changed_at: now })
      .execute();
    await db
      .updateTable('users')
      .set({
        status: STATUS_ACTIVE,
        last_login: now,
        last_activity: now,
        modified: now,
        ...(input.firstName !== undefined ? { first_name: input.firstName, first_name_lc: input.firstName.toLowerCase() } : {}),
        ...(input.lastName !== undefined ? { last_name: input.lastName, last_name_lc: input.lastName.toLowerCase() } : {}),
      })
      .where('network_id', '=', user.network_id)
      .where('user_id', '=', user.user_id)
      .execute();
    const m = { networkId: user.network_id, userId: user.user_id };
    const deviceId = await createDevice(db, m, input.device, true, now);
    return startSession(db, { ...m, deviceId, approved: true }, now, recoveryKey);
  });
}

/** Finds the registered account for an email address (and network when it is in several). */
async function findAccount(db: Db, rawEmail: string, networkId: string | undefined) {
  const email = normalizeEmail(rawEmail);
  if (!email) throw fail('user_not_found');
  let users = await db.selectFrom('users').selectAll().where('username', '=', email).execute();
  if (networkId) users = users.filter((u) => u.network_id === networkId);
  if (users.length === 0) throw fail('user_not_found');
  const active = users.filter((u) => u.status === STATUS_ACTIVE);
  if (active.length === 0) throw fail('email_verification_required');
  if (active.length > 1) {
    throw fail('conflict', 'This email address is a member of several networks: choose one.', active.map((u) => ({ field: 'networkId', reason: u.network_id })));
  }
  const user = active[0]!;
  const account = await db.selectFrom('member_accounts').selectAll().where('network_id', '=', user.network_id).where('user_id', '=', user.user_id).executeTakeFirst();
  if (!account) throw fail('email_verification_required');
  return { user, account };
}

/**
 * Checks the password with the lockout rule: a locked account is refused without looking at the
 * password; a wrong password counts, and the lockoutThreshold-th failure locks for 24 hours.
 */
async function checkPassword(deps: Pick<AccountDeps, 'db'>, networkId: string, userId: number, password: string, now: number): Promise<void> {
  // The failure count must survive the refusal: the count commits, then the error is thrown.
  const refusal = await deps.db.transaction().execute((db) => countAttempt(db, networkId, userId, password, now));
  if (refusal) throw refusal;
}

async function countAttempt(db: Db, networkId: string, userId: number, password: string, now: number): Promise<MessagingError | undefined> {
  const account = await db.selectFrom('member_accounts').selectAll().where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirstOrThrow();
  if (account.locked_until !== null && account.locked_until > now) return new MessagingError('account_locked', undefined, undefined, { lockedUntil: account.locked_until });
  const ok = await verifyPassword(password, account.password_hash);
  if (ok) {
    if (account.failed_attempts !== 0 || account.locked_until !== null) {
      await db.updateTable('member_accounts').set({ failed_attempts: 0, locked_until: null }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
    }
    return undefined;
  }
  const policy = await policyFor(db, networkId, userId);
  const failures = (account.locked_until !== null ? 0 : account.failed_attempts) + 1;
  const threshold = policy.lockoutThreshold;
  if (threshold > 0 && failures >= threshold) {
    const lockedUntil = now + LOCK_MS;
    await db.updateTable('member_accounts').set({ failed_attempts: failures, locked_until: lockedUntil }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
    return new MessagingError('account_locked', undefined, undefined, { lockedUntil });
  }
  await db.updateTable('member_accounts').set({ failed_attempts: failures, locked_until: null }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
  const left = threshold > 0 ? threshold - failures : undefined;
  return fail('invalid_credentials', left !== undefined ? `Incorrect password. ${left} attempt${left === 1 ? '' : 's'} left before your account is locked for 24 hours.` : undefined);
}

/** The device of a sign-in: one registered before (it signs with its identity key), or a new one. */
export type SignInDevice = NewDevice | { deviceId: string; timestamp: number; signature: string };

/**
 * The device step of a sign-in (password or SSO), inside its transaction: a registered device
 * proves itself with a fresh signature of its identity key (a reset or revoked one is refused); a
 * new device is created, and under account takeover protection it waits for approval when another
 * approved device — or, with `recoveryKeyApproves`, the account's recovery key — can approve it
 * (`policy`: the member's, when the caller has it already).
 * Records the sign-in time (device and member) and returns the conversation records of the device
 * change (to publish after the commit).
 */
export async function signInDevice(
  db: Db,
  m: { networkId: string; userId: number },
  device: SignInDevice,
  now: number,
  opts: { recoveryKeyApproves: boolean; policy?: Policy },
): Promise<{ deviceId: string; approved: boolean; records: { convId: string; seq: number }[] }> {
  if ('deviceId' in device) {
    const key = await db.selectFrom('device_keys as k').innerJoin('devices as dv', (j) => j.onRef('dv.network_id', '=', 'k.network_id').onRef('dv.user_id', '=', 'k.user_id').onRef('dv.app_id', '=', 'k.device_id'))
      .select(['k.identity_sign_pub', 'k.approved', 'k.revoked', 'dv.status']).where('k.device_id', '=', device.deviceId).where('k.network_id', '=', m.networkId).where('k.user_id', '=', m.userId).executeTakeFirst();
    if (!key) throw fail('not_found', 'This device is not registered to your account.');
    if (key.revoked === 1 || key.status === 'Reset') throw fail('device_reset');
    if (!verifyLoginSignature(key.identity_sign_pub, device.deviceId, device.timestamp, device.signature, now)) throw fail('forbidden', 'The device signature is not valid.');
    await markSignedIn(db, m, device.deviceId, now);
    return { deviceId: device.deviceId, approved: key.approved === 1, records: [] };
  }
  const policy = opts.policy ?? (await policyFor(db, m.networkId, m.userId));
  const others = await db.selectFrom('device_keys as k').innerJoin('devices as dv', (j) => j.onRef('dv.network_id', '=', 'k.network_id').onRef('dv.user_id', '=', 'k.user_id').onRef('dv.app_id', '=', 'k.device_id'))
    .select('k.device_id').where('k.network_id', '=', m.networkId).where('k.user_id', '=', m.userId).where('k.approved', '=', 1).where('k.revoked', '=', 0).where('dv.status', '!=', 'Reset').execute();
  let recoveryKey = false;
  if (opts.recoveryKeyApproves) {
    const account = await db.selectFrom('member_accounts').select('recovery_key_hash').where('network_id', '=', m.networkId).where('user_id', '=', m.userId).executeTakeFirstOrThrow();
    recoveryKey = account.recovery_key_hash !== null;
  }
  const approved = !(policy.isAtoEnabled && (others.length > 0 || recoveryKey));
  const deviceId = await createDevice(db, m, device, approved, now);
  const records = approved ? await recordDevicesChanged(db, m.networkId, m.userId, now) : [];
  await markSignedIn(db, m, deviceId, now);
  return { deviceId, approved, records };
}

/** The device's and the member's last sign-in (the console's users and devices lists show them). */
async function markSignedIn(db: Db, m: { networkId: string; userId: number }, deviceId: string, now: number): Promise<void> {
  await db.updateTable('devices').set({ last_login: now }).where('network_id', '=', m.networkId).where('user_id', '=', m.userId).where('app_id', '=', deviceId).execute();
  await db.updateTable('users').set({ last_login: now, last_activity: now }).where('network_id', '=', m.networkId).where('user_id', '=', m.userId).execute();
}

export async function login(deps: AccountDeps, input: z.infer<typeof LoginRequest>): Promise<SessionResponse> {
  const now = deps.now();
  const { user } = await findAccount(deps.db, input.email, input.networkId);
  const m = { networkId: user.network_id, userId: user.user_id };
  await checkPassword(deps, m.networkId, m.userId, input.password, now);
  if (user.suspended === 1) throw fail('account_suspended');
  let records: { convId: string; seq: number }[] = [];
  const response = await deps.db.transaction().execute(async (db) => {
    const signedIn = await signInDevice(db, m, input.device, now, { recoveryKeyApproves: true });
    const { deviceId, approved } = signedIn;
    records = signedIn.records;
    return startSession(db, { ...m, deviceId, approved }, now);
  });
  deps.onRecords(records);
  return response;
}

export async function reauthenticate(deps: AccountDeps, member: Member, password: string): Promise<void> {
  await checkPassword(deps, member.networkId, member.userId, password, deps.now());
}

/** An approved device creates a code that approves a new device of the same account (10 minutes). */
export async function createApprovalCode(deps: AccountDeps, member: Member): Promise<{ code: string; expiresAt: number }> {
  if (!member.approved) throw fail('device_approval_required');
  const code = newApprovalCode();
  const expiresAt = deps.now() + APPROVAL_CODE_TTL_MS;
  await deps.db.insertInto('member_codes').values({ code_hash: codeHash('device_approval', code), purpose: 'device_approval', network_id: member.networkId, user_id: member.userId, device_id: null, expires_at: expiresAt }).execute();
  return { code, expiresAt };
}

/** Emails a code that approves this pending device. */
export async function emailApprovalCode(deps: AccountDeps, member: Member): Promise<void> {
  if (member.approved) throw fail('conflict', 'This device is already approved.');
  const code = newApprovalCode();
  const expiresAt = deps.now() + APPROVAL_CODE_TTL_MS;
  await deps.db.insertInto('member_codes').values({ code_hash: codeHash('email_approval', code), purpose: 'email_approval', network_id: member.networkId, user_id: member.userId, device_id: member.deviceId, expires_at: expiresAt }).execute();
  await deps.mailer.send({
    to: member.email,
    subject: 'Your Enclave device verification code',
    text: `Someone (hopefully you) signed in to Enclave on a new device.\n\nVerification code: ${code}\n\nThe code expires in 10 minutes. If this was not you, change your password and tell your administrator.`,
  });
}

/** Approves the caller's pending device with a code from another device, an emailed code, or the recovery key. */
export async function approveDevice(deps: AccountDeps, member: Member, token: string, proof: { code: string } | { recoveryKey: string }): Promise<SessionResponse> {
  const now = deps.now();
  if (member.approved) throw fail('conflict', 'This device is already approved.');
  let records: { convId: string; seq: number }[] = [];
  const response = await deps.db.transaction().execute(async (db) => {
    let ok = false;
    if ('recoveryKey' in proof) {
      // SSO members have no account row (no password, no recovery key): the key cannot approve.
      const account = await db.selectFrom('member_accounts').select('recovery_key_hash').where('network_id', '=', member.networkId).where('user_id', '=', member.userId).executeTakeFirst();
      ok = !!account && account.recovery_key_hash !== null && account.recovery_key_hash === recoveryHash(proof.recoveryKey);
    } else {
      for (const purpose of ['device_approval', 'email_approval'] as const) {
        const row = await db.selectFrom('member_codes').selectAll().where('code_hash', '=', codeHash(purpose, proof.code)).executeTakeFirst();
        if (!row || row.network_id !== member.networkId || row.user_id !== member.userId || row.expires_at <= now) continue;
        if (purpose === 'email_approval' && row.device_id !== member.deviceId) continue;
        await db.deleteFrom('member_codes').where('code_hash', '=', row.code_hash).execute();
        ok = true;
        break;
      }
    }
    if (!ok) throw fail('forbidden', 'The code or recovery key is not valid (codes expire after 10 minutes).');
    await db.updateTable('device_keys').set({ approved: 1 }).where('device_id', '=', member.deviceId).execute();
    records = await recordDevicesChanged(db, member.networkId, member.userId, now);
    const session = await db.selectFrom('member_sessions').select('expires_at').where('token_hash', '=', member.tokenHash).executeTakeFirstOrThrow();
    return sessionResponse(db, { ...member, approved: true }, token, session.expires_at);
  });
  deps.onRecords(records);
  return response;
}

/** Starts a password reset: emails a link valid for 24 hours. Answers the same whether or not the account exists. */
export async function requestPasswordReset(deps: AccountDeps, rawEmail: string, networkId: string | undefined): Promise<void> {
  let found;
  try {
    found = await findAccount(deps.db, rawEmail, networkId);
  } catch (err) {
    if (err instanceof MessagingError) return;
    throw err;
  }
  const token = randomBytes(24).toString('base64url');
  const { user } = found;
  await deps.db.insertInto('member_codes').values({ code_hash: codeHash('password_reset', token), purpose: 'password_reset', network_id: user.network_id, user_id: user.user_id, device_id: null, expires_at: deps.now() + RESET_TTL_MS }).execute();
  await deps.mailer.send({
    to: user.username,
    subject: 'Reset your Enclave password',
    text:
      `Open this link to reset your Enclave password (valid for 24 hours):\n\n${deps.publicUrl()}/app/#/reset-password?token=${token}\n\n` +
      'Resetting your password is a full account reset: all local message history is permanently deleted, you are removed from all rooms, and all device registrations are cleared. ' +
      'You must be re-invited to the rooms you were in. This cannot be undone.',
  });
}

/** Completes a reset: new password, every device and session gone, removed from every conversation. */
export async function completePasswordReset(deps: AccountDeps, input: z.infer<typeof PasswordResetComplete>, onRemoved: (convId: string, who: { networkId: string; userId: number; deviceId: string }) => Promise<void>): Promise<SessionResponse> {
  const now = deps.now();
  const hash = codeHash('password_reset', input.token);
  const passwordHash = await hashPassword(input.password);
  const { response, networkId, userId, deviceId } = await deps.db.transaction().execute(async (db) => {
    const row = await db.selectFrom('member_codes').selectAll().where('code_hash', '=', hash).where('purpose', '=', 'password_reset').executeTakeFirst();
    if (!row || row.expires_at <= now) throw fail('forbidden', 'The password reset link is not valid or has expired (links expire after 24 hours).');
    const policy = await policyFor(db, row.network_id, row.user_id);
    const violations = passwordViolations(input.password, policy.passwordRequirements);
    if (violations.length > 0) throw new MessagingError('password_policy', undefined, violations);
    await db.deleteFrom('member_codes').where('network_id', '=', row.network_id).where('user_id', '=', row.user_id).execute();
    const keys = await db.selectFrom('device_keys').select('device_id').where('network_id', '=', row.network_id).where('user_id', '=', row.user_id).execute();
    if (keys.length > 0) await db.deleteFrom('device_keys').where('device_id', 'in', keys.map((k) => k.device_id)).execute();
    await db.deleteFrom('devices').where('network_id', '=', row.network_id).where('user_id', '=', row.user_id).execute();
    const recoveryKey = policy.showMasterRecoveryKey ? newRecoveryKey() : undefined;
    await db.updateTable('member_accounts').set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, password_changed_at: now, recovery_key_hash: recoveryKey ? recoveryHash(recoveryKey) : null })
      .where('network_id', '=', row.network_id).where('user_id', '=', row.user_id).execute();
    const m = { networkId: row.network_id, userId: row.user_id };
    const deviceId = await createDevice(db, m, input.device as NewDevice, true, now);
    return { response: await startSession(db, { ...m, deviceId, approved: true }, now, recoveryKey), ...m, deviceId };
  });
  // Removed from every conversation (each removal is recorded in that conversation).
  const convs = await deps.db.selectFrom('conversation_members').select('conv_id').where('network_id', '=', networkId).where('user_id', '=', userId).execute();
  for (const c of convs) await onRemoved(c.conv_id, { networkId, userId, deviceId });
  deps.onAccountChanged(networkId, userId);
  return response;
}

/** A member changes his own first and/or last name (PATCH /v1/me); answers the member as /v1/me shows it. */
export async function updateProfile(deps: AccountDeps, member: Member, input: { firstName?: string; lastName?: string }): Promise<{ userId: number; email: string; firstName: string; lastName: string }> {
  const patch: { first_name?: string; first_name_lc?: string; last_name?: string; last_name_lc?: string; modified: number } = { modified: deps.now() };
  if (input.firstName !== undefined) {
    const v = input.firstName.trim();
    Object.assign(patch, { first_name: v, first_name_lc: v.toLowerCase() });
  }
  if (input.lastName !== undefined) {
    const v = input.lastName.trim();
    Object.assign(patch, { last_name: v, last_name_lc: v.toLowerCase() });
  }
  await deps.db.updateTable('users').set(patch).where('network_id', '=', member.networkId).where('user_id', '=', member.userId).execute();
  const user = await deps.db.selectFrom('users').select(['username', 'first_name', 'last_name']).where('network_id', '=', member.networkId).where('user_id', '=', member.userId).executeTakeFirstOrThrow();
  return { userId: member.userId, email: user.username, firstName: user.first_name, lastName: user.last_name };
}

/**
 * Changes the password of a signed-in member (the security group's rules; the current password is
 * checked with the lockout rule) or of the retention bot (at least 12 characters, different).
 */
export async function changePassword(deps: AccountDeps, member: Member, input: { password: string; newPassword: string }): Promise<void> {
  const now = deps.now();
  await checkPassword(deps, member.networkId, member.userId, input.password, now);
  if (isRetentionBot(member)) {
    checkBotPassword(input.password, input.newPassword);
  } else {
    const policy = await policyFor(deps.db, member.networkId, member.userId);
    const violations = passwordViolations(input.newPassword, policy.passwordRequirements).map((v) => ({ ...v, field: 'newPassword' }));
    if (violations.length > 0) throw new MessagingError('password_policy', undefined, violations);
  }
  const hash = await hashPassword(input.newPassword);
  await deps.db.updateTable('member_accounts').set({ password_hash: hash, password_changed_at: now }).where('network_id', '=', member.networkId).where('user_id', '=', member.userId).execute();
}
