// A member's credentials and sessions: `member_accounts` (password hash, failed attempts and lock,
// recovery key hash), `member_codes` (one-time codes: device approval, emailed approval, password
// reset; stored as hashes) and `member_sessions` (bearer tokens, stored as SHA-256 hashes, bound to
// one device). Never holds a password or token in clear.
import type { Insertable } from 'kysely';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { MemberAccountsTable, MemberCodesTable, MemberSessionsTable } from '../../infra/schema.js';

// ---------------------------------------------------------------------------------------------------
// Accounts

export async function insertMemberAccount(tx: WriteTx, row: Insertable<MemberAccountsTable>): Promise<void> {
  await tx.insertInto('member_accounts').values(row).execute();
}

export async function findMemberAccount(tx: ReadTx, networkId: string, userId: number) {
  return tx.selectFrom('member_accounts').selectAll().where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirst();
}

/** The account; the caller knows it exists (Kysely's NoResultError otherwise). */
export async function memberAccountOf(tx: ReadTx, networkId: string, userId: number) {
  return tx.selectFrom('member_accounts').selectAll().where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirstOrThrow();
}

/** The account's recovery key hash (null: none); undefined without an account (SSO members). */
export async function findRecoveryKeyHash(tx: ReadTx, networkId: string, userId: number): Promise<{ recovery_key_hash: string | null } | undefined> {
  return tx.selectFrom('member_accounts').select('recovery_key_hash').where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirst();
}

/** The account's recovery key hash; the caller knows the account exists. */
export async function recoveryKeyHashOf(tx: ReadTx, networkId: string, userId: number): Promise<string | null> {
  return (await tx.selectFrom('member_accounts').select('recovery_key_hash').where('network_id', '=', networkId).where('user_id', '=', userId).executeTakeFirstOrThrow()).recovery_key_hash;
}

/** The failed sign-in count and the lock. */
export async function setLockout(tx: WriteTx, networkId: string, userId: number, failedAttempts: number, lockedUntil: number | null): Promise<void> {
  await tx.updateTable('member_accounts').set({ failed_attempts: failedAttempts, locked_until: lockedUntil }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

/** A full account reset: a new password and recovery key, the lock lifted. */
export async function resetMemberAccount(tx: WriteTx, networkId: string, userId: number, passwordHash: string, recoveryKeyHash: string | null, now: number): Promise<void> {
  await tx
    .updateTable('member_accounts')
    .set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, password_changed_at: now, recovery_key_hash: recoveryKeyHash })
    .where('network_id', '=', networkId)
    .where('user_id', '=', userId)
    .execute();
}

export async function setMemberPassword(tx: WriteTx, networkId: string, userId: number, passwordHash: string, now: number): Promise<void> {
  await tx.updateTable('member_accounts').set({ password_hash: passwordHash, password_changed_at: now }).where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

export async function deleteMemberAccount(tx: WriteTx, networkId: string, userId: number): Promise<void> {
  await tx.deleteFrom('member_accounts').where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

// ---------------------------------------------------------------------------------------------------
// One-time codes

export async function insertMemberCode(tx: WriteTx, row: Insertable<MemberCodesTable>): Promise<void> {
  await tx.insertInto('member_codes').values(row).execute();
}

export async function findMemberCode(tx: ReadTx, codeHash: string) {
  return tx.selectFrom('member_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/** A password reset code by its hash. */
export async function findResetCode(tx: ReadTx, codeHash: string) {
  return tx.selectFrom('member_codes').selectAll().where('code_hash', '=', codeHash).where('purpose', '=', 'password_reset').executeTakeFirst();
}

/** The network of a password reset code. */
export async function findResetCodeNetwork(tx: ReadTx, codeHash: string): Promise<string | undefined> {
  return (await tx.selectFrom('member_codes').select('network_id').where('code_hash', '=', codeHash).where('purpose', '=', 'password_reset').executeTakeFirst())?.network_id;
}

export async function deleteMemberCode(tx: WriteTx, codeHash: string): Promise<void> {
  await tx.deleteFrom('member_codes').where('code_hash', '=', codeHash).execute();
}

export async function deleteCodesOfMember(tx: WriteTx, networkId: string, userId: number): Promise<void> {
  await tx.deleteFrom('member_codes').where('network_id', '=', networkId).where('user_id', '=', userId).execute();
}

// ---------------------------------------------------------------------------------------------------
// Sessions

export async function insertMemberSession(tx: WriteTx, row: Insertable<MemberSessionsTable>): Promise<void> {
  await tx.insertInto('member_sessions').values(row).execute();
}

/**
 * A session by token hash with everything authentication checks in one read: the device's key
 * state, the user (absent for the retention bot), the device row and the network's retention bot.
 */
export async function findSessionToAuthenticate(tx: ReadTx, tokenHash: string) {
  return tx
    .selectFrom('member_sessions as s')
    .innerJoin('device_keys as k', 'k.device_id', 's.device_id')
    .leftJoin('users as u', (j) => j.onRef('u.network_id', '=', 's.network_id').onRef('u.user_id', '=', 's.user_id'))
    .leftJoin('devices as d', (j) => j.onRef('d.network_id', '=', 's.network_id').onRef('d.user_id', '=', 's.user_id').onRef('d.app_id', '=', 's.device_id'))
    .leftJoin('retention_bots as b', 'b.network_id', 's.network_id')
    .select(['s.network_id', 's.user_id', 's.device_id', 's.expires_at', 'k.approved', 'k.revoked', 'u.username', 'u.status', 'u.suspended', 'd.status as device_status', 'b.bot_name'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** The session's expiry; the caller knows it exists. */
export async function sessionExpiryOf(tx: ReadTx, tokenHash: string): Promise<number | null> {
  return (await tx.selectFrom('member_sessions').select('expires_at').where('token_hash', '=', tokenHash).executeTakeFirstOrThrow()).expires_at;
}

export async function deleteMemberSession(tx: WriteTx, tokenHash: string): Promise<void> {
  await tx.deleteFrom('member_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteMemberSessions(tx: WriteTx, tokenHashes: string[]): Promise<void> {
  await tx.deleteFrom('member_sessions').where('token_hash', 'in', tokenHashes).execute();
}
