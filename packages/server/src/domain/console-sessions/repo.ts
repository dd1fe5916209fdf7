// Console sessions' rows (`console_sessions`, hashes only) and the sign-in lookup of an IAM user with
// its console login. The only SQL of console sessions; the rules (tokens, expiry, CSRF, throttling)
// are in sessions.ts.
import type { ReadTx, WriteTx } from '../../infra/db.js';

/** The IAM user of an account by name, with its console login (password hash, sealed MFA secret) if any. */
export async function findSignInUser(db: ReadTx, accountId: string, userName: string) {
  return db
    .selectFrom('principals')
    .leftJoin('iam_user_logins', 'iam_user_logins.principal_id', 'principals.principal_id')
    .select([
      'principals.principal_id',
      'principals.account_id',
      'principals.arn',
      'principals.kind',
      'principals.name',
      'iam_user_logins.password_hash',
      'iam_user_logins.mfa_secret_sealed',
      'iam_user_logins.mfa_enabled',
    ])
    .where('principals.account_id', '=', accountId)
    .where('principals.kind', '=', 'IAMUser')
    .where('principals.name', '=', userName)
    .executeTakeFirst();
}

export interface NewSessionRow {
  session_hash: string;
  principal_id: string;
  account_id: string;
  csrf_hash: string;
  mfa_authenticated: number;
  source_ip: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export async function insertSession(db: WriteTx, row: NewSessionRow): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute();
}

/** A session by its token's hash, with its principal and the principal's console login. */
export async function findSession(db: ReadTx, sessionHash: string) {
  return db
    .selectFrom('console_sessions')
    .innerJoin('principals', 'principals.principal_id', 'console_sessions.principal_id')
    .leftJoin('iam_user_logins', 'iam_user_logins.principal_id', 'console_sessions.principal_id')
    .select([
      'console_sessions.session_hash',
      'console_sessions.csrf_hash',
      'console_sessions.mfa_authenticated',
      'console_sessions.created_at',
      'console_sessions.last_seen_at',
      'console_sessions.expires_at',
      'principals.principal_id',
      'principals.account_id',
      'principals.arn',
      'principals.kind',
      'principals.name',
      'iam_user_logins.password_hash',
      'iam_user_logins.password_changed_at',
    ])
    .where('console_sessions.session_hash', '=', sessionHash)
    .executeTakeFirst();
}

/** Moves last_seen_at forward (never back: concurrent requests may race). */
export async function touchSession(db: WriteTx, sessionHash: string, now: number): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: now }).where('session_hash', '=', sessionHash).where('last_seen_at', '<', now).execute();
}

/** Deletes a session; how many rows went (0 or 1). */
export async function deleteSession(db: WriteTx, sessionHash: string): Promise<number> {
  const r = await db.deleteFrom('console_sessions').where('session_hash', '=', sessionHash).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteSessionsOf(db: WriteTx, principalId: string): Promise<number> {
  const r = await db.deleteFrom('console_sessions').where('principal_id', '=', principalId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes sessions past their absolute expiry or idle since `idleBefore`. */
export async function deleteExpired(db: WriteTx, now: number, idleBefore: number): Promise<number> {
  const r = await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
