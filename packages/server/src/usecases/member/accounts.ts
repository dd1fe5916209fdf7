// Member accounts: registration with the invite code from BatchCreateUser (PENDING → ACTIVE),
// email + password sign-in with the security group's lockout threshold (24-hour lock), device
// approval under account takeover protection (a code from another device, an emailed code, or the
// master recovery key), re-authentication, the password reset that is a full account reset as the
// guide warns, the member's own profile and the sign-out of one of its devices. Passwords are
// stored as scrypt hashes only. Changes are announced after commit through the caller's events.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DeviceInfo, LoginRequest, NewDevice, PasswordResetComplete, Policy, RegisterRequest, SessionResponse } from '@enclave/protocol';
import { autocommit, inTransaction, readTx, type ReadTx, type WriteTx } from '../../infra/db.js';
import type { Database } from '../../infra/schema.js';
import type { Mailer } from '../../infra/mailer.js';
import { hashPassword, verifyPassword } from '../../infra/passwords.js';
import { isInviteExpired, normalizeEmail, STATUS_ACTIVE, STATUS_PENDING } from '../../domain/users/users.js';
import * as usersRepo from '../../domain/users/repo.js';
import * as accountsRepo from '../../domain/member-accounts/repo.js';
import { afterFailedAttempt, codeHash, newRecoveryKey, recoveryHash, RESET_TTL_MS } from '../../domain/member-accounts/rules.js';
import { approveDeviceKeys, deleteDeviceKeys, deleteDevicesOfMember, deviceIdsOfMember, findSignInDevice, listApprovingDevices, markDeviceSignedIn } from '../../domain/devices/repo.js';
import { APPROVAL_CODE_TTL_MS, newApprovalCode, verifyLoginSignature } from '../../domain/devices/rules.js';
import { memberConversationIds } from '../../domain/conversations/repo.js';
import { passwordViolations } from '../../domain/users/password-rules.js';
import { checkBotPassword, isRetentionBot } from '../../domain/retention/rules.js';
import type { DomainEvents } from '../../kernel/events.js';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import { createDevice, listDevices, revokeDevice } from './devices.js';
import { leaveConversation, recordDevicesChanged } from './conversations.js';
import { issueSession, type Member } from './member-auth.js';
import { policyFor } from './policy.js';
import { transact } from './transact.js';

export interface AccountDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  now: () => number;
  /** Base URL members use (for links in emails). */
  publicUrl: () => string;
}

type Records = { convId: string; seq: number }[];
type SessionMember = { networkId: string; userId: number; deviceId: string; approved: boolean };

/** Announces (after commit) records appended to conversations: delivery to connected members. */
function recordsAdded(events: DomainEvents, records: Records): void {
  if (records.length > 0) events.emit({ type: 'records-added', records });
}

/** The sign-in answer for a session whose token and expiry are known (the policy read once). */
async function sessionResponse(tx: ReadTx, m: SessionMember, token: string, expiresAt: number | null, policy?: Policy, recoveryKey?: string): Promise<SessionResponse> {
  const user = await usersRepo.memberNameOf(tx, m.networkId, m.userId);
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
    policy: policy ?? (await policyFor(tx, m.networkId, m.userId)),
  };
}

/** Issues a session for a device (expiring at the non-SSO timeout, if any) and answers with it. */
async function startSession(tx: WriteTx, m: SessionMember, now: number, recoveryKey?: string): Promise<SessionResponse> {
  const policy = await policyFor(tx, m.networkId, m.userId);
  const expiresAt = policy.sessionTimeoutMinutes > 0 ? now + policy.sessionTimeoutMinutes * 60_000 : null;
  const token = await issueSession(tx, m, now, expiresAt);
  return sessionResponse(tx, m, token, expiresAt, policy, recoveryKey);
}

export async function register(deps: AccountDeps, input: z.infer<typeof RegisterRequest>): Promise<SessionResponse> {
  const email = normalizeEmail(input.email);
  if (!email) throw fail('bad_request', 'Enter a valid email address.', [{ field: 'email', reason: 'not an email address' }]);
  const now = deps.now();
  const passwordHash = await hashPassword(input.password); // outside the transaction: scrypt is slow
  return inTransaction(deps.db, async (tx) => {
    const users = await usersRepo.findMembersByEmail(tx, email);
    if (users.length === 0) throw fail('user_not_found');
    const user = users.find((u) => u.invite_code === input.inviteCode.trim());
    if (!user) {
      if (users.every((u) => u.status === STATUS_ACTIVE)) throw fail('already_registered');
      throw fail('invite_invalid');
    }
    if (user.status === STATUS_ACTIVE) throw fail('already_registered');
    if (user.status !== STATUS_PENDING) throw fail('invite_invalid');
    if (isInviteExpired(user, now)) throw fail('invite_expired');
    const policy = await policyFor(tx, user.network_id, user.user_id);
    const violations = passwordViolations(input.password, policy.passwordRequirements);
    if (violations.length > 0) throw new MessagingError('password_policy', undefined, violations);
    const recoveryKey = policy.showMasterRecoveryKey ? newRecoveryKey() : undefined;
    await accountsRepo.insertMemberAccount(tx, { network_id: user.network_id, user_id: user.user_id, password_hash: passwordHash, failed_attempts: 0, locked_until: null, recovery_key_hash: recoveryKey ? recoveryHash(recoveryKey) : null, registered_at: now, password_changed_at: now });
    await usersRepo.activateRegisteredMember(tx, user.network_id, user.user_id, {
      status: STATUS_ACTIVE,
      last_login: now,
      last_activity: now,
      modified: now,
      ...(input.firstName !== undefined ? { first_name: input.firstName, first_name_lc: input.firstName.toLowerCase() } : {}),
      ...(input.lastName !== undefined ? { last_name: input.lastName, last_name_lc: input.lastName.toLowerCase() } : {}),
    });
    const m = { networkId: user.network_id, userId: user.user_id };
    const deviceId = await createDevice(tx, m, input.device, true, now);
    return startSession(tx, { ...m, deviceId, approved: true }, now, recoveryKey);
  });
}

/** Finds the registered account for an email address (and network when it is in several). */
async function findAccount(tx: ReadTx, rawEmail: string, networkId: string | undefined) {
  const email = normalizeEmail(rawEmail);
  if (!email) throw fail('user_not_found');
  let users = await usersRepo.findMembersByEmail(tx, email);
  if (networkId) users = users.filter((u) => u.network_id === networkId);
  if (users.length === 0) throw fail('user_not_found');
  const active = users.filter((u) => u.status === STATUS_ACTIVE);
  if (active.length === 0) throw fail('email_verification_required');
  if (active.length > 1) {
    throw fail('conflict', 'This email address is a member of several networks: choose one.', active.map((u) => ({ field: 'networkId', reason: u.network_id })));
  }
  const user = active[0]!;
  const account = await accountsRepo.findMemberAccount(tx, user.network_id, user.user_id);
  if (!account) throw fail('email_verification_required');
  return { user, account };
}

/**
 * Checks the password with the lockout rule: a locked account is refused without looking at the
 * password; a wrong password counts, and the lockoutThreshold-th failure locks for 24 hours.
 */
async function checkPassword(deps: Pick<AccountDeps, 'db'>, networkId: string, userId: number, password: string, now: number): Promise<void> {
  // The failure count must survive the refusal: the count commits, then the error is thrown.
  const refusal = await inTransaction(deps.db, (tx) => countAttempt(tx, networkId, userId, password, now));
  if (refusal) throw refusal;
}

async function countAttempt(tx: WriteTx, networkId: string, userId: number, password: string, now: number): Promise<MessagingError | undefined> {
  const account = await accountsRepo.memberAccountOf(tx, networkId, userId);
  if (account.locked_until !== null && account.locked_until > now) return new MessagingError('account_locked', undefined, undefined, { lockedUntil: account.locked_until });
  const ok = await verifyPassword(password, account.password_hash);
  if (ok) {
    if (account.failed_attempts !== 0 || account.locked_until !== null) await accountsRepo.setLockout(tx, networkId, userId, 0, null);
    return undefined;
  }
  const policy = await policyFor(tx, networkId, userId);
  const { failures, lockedUntil, attemptsLeft } = afterFailedAttempt(account, policy.lockoutThreshold, now);
  await accountsRepo.setLockout(tx, networkId, userId, failures, lockedUntil);
  if (lockedUntil !== null) return new MessagingError('account_locked', undefined, undefined, { lockedUntil });
  return fail('invalid_credentials', attemptsLeft !== undefined ? `Incorrect password. ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left before your account is locked for 24 hours.` : undefined);
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
 * change (to announce after the commit).
 */
export async function signInDevice(
  tx: WriteTx,
  m: { networkId: string; userId: number },
  device: SignInDevice,
  now: number,
  opts: { recoveryKeyApproves: boolean; policy?: Policy },
): Promise<{ deviceId: string; approved: boolean; records: Records }> {
  if ('deviceId' in device) {
    const key = await findSignInDevice(tx, m, device.deviceId);
    if (!key) throw fail('not_found', 'This device is not registered to your account.');
    if (key.revoked === 1 || key.status === 'Reset') throw fail('device_reset');
    if (!verifyLoginSignature(key.identity_sign_pub, device.deviceId, device.timestamp, device.signature, now)) throw fail('forbidden', 'The device signature is not valid.');
    await markSignedIn(tx, m, device.deviceId, now);
    return { deviceId: device.deviceId, approved: key.approved === 1, records: [] };
  }
  const policy = opts.policy ?? (await policyFor(tx, m.networkId, m.userId));
  const others = await listApprovingDevices(tx, m);
  let recoveryKey = false;
  if (opts.recoveryKeyApproves) recoveryKey = (await accountsRepo.recoveryKeyHashOf(tx, m.networkId, m.userId)) !== null;
  const approved = !(policy.isAtoEnabled && (others.length > 0 || recoveryKey));
  const deviceId = await createDevice(tx, m, device, approved, now);
  const records = approved ? await recordDevicesChanged(tx, m.networkId, m.userId, now) : [];
  await markSignedIn(tx, m, deviceId, now);
  return { deviceId, approved, records };
}

/** The device's and the member's last sign-in (the console's users and devices lists show them). */
async function markSignedIn(tx: WriteTx, m: { networkId: string; userId: number }, deviceId: string, now: number): Promise<void> {
  await markDeviceSignedIn(tx, m, deviceId, now);
  await usersRepo.markMemberSignedIn(tx, m.networkId, m.userId, now);
}

export async function login(deps: AccountDeps, events: DomainEvents, input: z.infer<typeof LoginRequest>): Promise<SessionResponse> {
  const now = deps.now();
  const { user } = await findAccount(readTx(deps.db), input.email, input.networkId);
  const m = { networkId: user.network_id, userId: user.user_id };
  await checkPassword(deps, m.networkId, m.userId, input.password, now);
  if (user.suspended === 1) throw fail('account_suspended');
  let records: Records = [];
  const response = await inTransaction(deps.db, async (tx) => {
    const signedIn = await signInDevice(tx, m, input.device, now, { recoveryKeyApproves: true });
    const { deviceId, approved } = signedIn;
    records = signedIn.records;
    return startSession(tx, { ...m, deviceId, approved }, now);
  });
  recordsAdded(events, records);
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
  await accountsRepo.insertMemberCode(autocommit(deps.db), { code_hash: codeHash('device_approval', code), purpose: 'device_approval', network_id: member.networkId, user_id: member.userId, device_id: null, expires_at: expiresAt });
  return { code, expiresAt };
}

/** Emails a code that approves this pending device. */
export async function emailApprovalCode(deps: AccountDeps, member: Member): Promise<void> {
  if (member.approved) throw fail('conflict', 'This device is already approved.');
  const code = newApprovalCode();
  const expiresAt = deps.now() + APPROVAL_CODE_TTL_MS;
  await accountsRepo.insertMemberCode(autocommit(deps.db), { code_hash: codeHash('email_approval', code), purpose: 'email_approval', network_id: member.networkId, user_id: member.userId, device_id: member.deviceId, expires_at: expiresAt });
  await deps.mailer.send({
    to: member.email,
    subject: 'Your Enclave device verification code',
    text: `Someone (hopefully you) signed in to Enclave on a new device.\n\nVerification code: ${code}\n\nThe code expires in 10 minutes. If this was not you, change your password and tell your administrator.`,
  });
}

/** Approves the caller's pending device with a code from another device, an emailed code, or the recovery key. */
export async function approveDevice(deps: AccountDeps, events: DomainEvents, member: Member, token: string, proof: { code: string } | { recoveryKey: string }): Promise<SessionResponse> {
  const now = deps.now();
  if (member.approved) throw fail('conflict', 'This device is already approved.');
  let records: Records = [];
  const response = await inTransaction(deps.db, async (tx) => {
    let ok = false;
    if ('recoveryKey' in proof) {
      // SSO members have no account row (no password, no recovery key): the key cannot approve.
      const account = await accountsRepo.findRecoveryKeyHash(tx, member.networkId, member.userId);
      ok = !!account && account.recovery_key_hash !== null && account.recovery_key_hash === recoveryHash(proof.recoveryKey);
    } else {
      for (const purpose of ['device_approval', 'email_approval'] as const) {
        const row = await accountsRepo.findMemberCode(tx, codeHash(purpose, proof.code));
        if (!row || row.network_id !== member.networkId || row.user_id !== member.userId || row.expires_at <= now) continue;
        if (purpose === 'email_approval' && row.device_id !== member.deviceId) continue;
        await accountsRepo.deleteMemberCode(tx, row.code_hash);
        ok = true;
        break;
      }
    }
    if (!ok) throw fail('forbidden', 'The code or recovery key is not valid (codes expire after 10 minutes).');
    await approveDeviceKeys(tx, member.deviceId);
    records = await recordDevicesChanged(tx, member.networkId, member.userId, now);
    const expiresAt = await accountsRepo.sessionExpiryOf(tx, member.tokenHash);
    return sessionResponse(tx, { ...member, approved: true }, token, expiresAt);
  });
  recordsAdded(events, records);
  events.emit({ type: 'account-changed', networkId: member.networkId, userId: member.userId, reason: 'device-approved' });
  return response;
}

/** Starts a password reset: emails a link valid for 24 hours. Answers the same whether or not the account exists. */
export async function requestPasswordReset(deps: AccountDeps, rawEmail: string, networkId: string | undefined): Promise<void> {
  let found;
  try {
    found = await findAccount(readTx(deps.db), rawEmail, networkId);
  } catch (err) {
    if (err instanceof MessagingError) return;
    throw err;
  }
  const token = randomBytes(24).toString('base64url');
  const { user } = found;
  await accountsRepo.insertMemberCode(autocommit(deps.db), { code_hash: codeHash('password_reset', token), purpose: 'password_reset', network_id: user.network_id, user_id: user.user_id, device_id: null, expires_at: deps.now() + RESET_TTL_MS });
  await deps.mailer.send({
    to: user.username,
    subject: 'Reset your Enclave password',
    text:
      `Open this link to reset your Enclave password (valid for 24 hours):\n\n${deps.publicUrl()}/app/#/reset-password?token=${token}\n\n` +
      'Resetting your password is a full account reset: all local message history is permanently deleted, you are removed from all rooms, and all device registrations are cleared. ' +
      'You must be re-invited to the rooms you were in. This cannot be undone.',
  });
}

/**
 * Completes a reset: new password, every device and session gone, removed from every conversation
 * (each removal in its own transaction, recorded in that conversation).
 */
export async function completePasswordReset(deps: AccountDeps, events: DomainEvents, input: z.infer<typeof PasswordResetComplete>): Promise<SessionResponse> {
  const now = deps.now();
  const hash = codeHash('password_reset', input.token);
  const passwordHash = await hashPassword(input.password);
  const { response, networkId, userId, deviceId } = await inTransaction(deps.db, async (tx) => {
    const row = await accountsRepo.findResetCode(tx, hash);
    if (!row || row.expires_at <= now) throw fail('forbidden', 'The password reset link is not valid or has expired (links expire after 24 hours).');
    const policy = await policyFor(tx, row.network_id, row.user_id);
    const violations = passwordViolations(input.password, policy.passwordRequirements);
    if (violations.length > 0) throw new MessagingError('password_policy', undefined, violations);
    await accountsRepo.deleteCodesOfMember(tx, row.network_id, row.user_id);
    const keys = await deviceIdsOfMember(tx, row.network_id, row.user_id);
    if (keys.length > 0) await deleteDeviceKeys(tx, keys);
    await deleteDevicesOfMember(tx, row.network_id, row.user_id);
    const recoveryKey = policy.showMasterRecoveryKey ? newRecoveryKey() : undefined;
    await accountsRepo.resetMemberAccount(tx, row.network_id, row.user_id, passwordHash, recoveryKey ? recoveryHash(recoveryKey) : null, now);
    const m = { networkId: row.network_id, userId: row.user_id };
    const deviceId = await createDevice(tx, m, input.device as NewDevice, true, now);
    return { response: await startSession(tx, { ...m, deviceId, approved: true }, now, recoveryKey), ...m, deviceId };
  });
  // Removed from every conversation (each removal is recorded in that conversation).
  const who = { networkId, userId, deviceId };
  for (const convId of await memberConversationIds(readTx(deps.db), networkId, userId)) {
    await transact(deps.db, events, (tx, ev) => leaveConversation(tx, ev, who, convId, deps.now()));
  }
  events.emit({ type: 'account-changed', networkId, userId, reason: 'password-reset' });
  return response;
}

/** What GET /v1/me answers: the member, its device, policy and devices. */
export async function describeMe(tx: ReadTx, m: Member): Promise<{ member: { userId: number; email: string; firstName: string; lastName: string }; networkId: string; deviceId: string; deviceStatus: 'ACTIVE' | 'PENDING_APPROVAL'; policy: Policy; devices: DeviceInfo[] }> {
  if (isRetentionBot(m)) {
    return {
      member: { userId: m.userId, email: m.email, firstName: 'Data retention', lastName: 'bot' },
      networkId: m.networkId,
      deviceId: m.deviceId,
      deviceStatus: 'ACTIVE',
      policy: await policyFor(tx, m.networkId, m.userId),
      devices: await listDevices(tx, m.networkId, m.userId),
    };
  }
  const user = await usersRepo.memberNameOf(tx, m.networkId, m.userId);
  return {
    member: { userId: m.userId, email: user.username, firstName: user.first_name, lastName: user.last_name },
    networkId: m.networkId,
    deviceId: m.deviceId,
    deviceStatus: m.approved ? 'ACTIVE' : 'PENDING_APPROVAL',
    policy: await policyFor(tx, m.networkId, m.userId),
    devices: await listDevices(tx, m.networkId, m.userId),
  };
}

/** Only members have a profile to edit (checked before the request body is read). */
export function requireProfile(member: Member): void {
  if (isRetentionBot(member)) throw fail('forbidden', 'The data retention bot has no profile to edit.');
}

/** A member changes his own first and/or last name (PATCH /v1/me); answers the member as /v1/me shows it. */
export async function updateProfile(deps: AccountDeps, events: DomainEvents, member: Member, input: { firstName?: string | undefined; lastName?: string | undefined }): Promise<{ userId: number; email: string; firstName: string; lastName: string }> {
  requireProfile(member);
  const patch: { first_name?: string; first_name_lc?: string; last_name?: string; last_name_lc?: string; modified: number } = { modified: deps.now() };
  if (input.firstName !== undefined) {
    const v = input.firstName.trim();
    Object.assign(patch, { first_name: v, first_name_lc: v.toLowerCase() });
  }
  if (input.lastName !== undefined) {
    const v = input.lastName.trim();
    Object.assign(patch, { last_name: v, last_name_lc: v.toLowerCase() });
  }
  await usersRepo.updateMemberName(autocommit(deps.db), member.networkId, member.userId, patch);
  const user = await usersRepo.memberNameOf(readTx(deps.db), member.networkId, member.userId);
  // Open messengers of the member's conversations get the new name at once.
  events.emit({ type: 'profile-changed', networkId: member.networkId, userId: member.userId });
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
    const policy = await policyFor(readTx(deps.db), member.networkId, member.userId);
    const violations = passwordViolations(input.newPassword, policy.passwordRequirements).map((v) => ({ ...v, field: 'newPassword' }));
    if (violations.length > 0) throw new MessagingError('password_policy', undefined, violations);
  }
  const hash = await hashPassword(input.newPassword);
  await accountsRepo.setMemberPassword(autocommit(deps.db), member.networkId, member.userId, hash, now);
}

/** A member signs one of its devices out (DELETE /v1/devices/:id): its keys are revoked and its conversations told. */
export async function signOutDevice(deps: AccountDeps, events: DomainEvents, m: Member, deviceId: string): Promise<void> {
  const mine = (await listDevices(readTx(deps.db), m.networkId, m.userId)).find((x) => x.deviceId === deviceId);
  if (!mine) throw fail('not_found', 'Device not found.');
  const records = await inTransaction(deps.db, async (tx) => {
    await revokeDevice(tx, m.networkId, m.userId, deviceId);
    return recordDevicesChanged(tx, m.networkId, m.userId, deps.now());
  });
  events.emit({ type: 'account-changed', networkId: m.networkId, userId: m.userId, reason: 'device-signed-out' });
  recordsAdded(events, records);
}
