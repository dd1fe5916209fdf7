// The durable mail queue (`mail_queue`): rows written in the transaction that decided to send (an
// invitation by BatchCreateUser / BatchReinviteUser), claimed by a node with a lease, and finished
// as sent, dropped or failed, or rescheduled. The sending loop is jobs/mail-sender.ts.
import type { Insertable, Selectable } from 'kysely';
import type { Dialect, ReadTx, WriteTx } from '../../infra/db.js';
import type { MailQueueTable } from '../../infra/schema.js';

export type MailRow = Selectable<MailQueueTable>;

/** Drops the pending invitations of these users of one network that no node is sending right now. */
export async function supersedePendingInvitations(tx: WriteTx, networkId: string, userIds: number[], now: number): Promise<void> {
  await tx
    .updateTable('mail_queue')
    .set({ state: 'dropped', last_error: 'superseded by a newer invitation', finished_at: now })
    .where('kind', '=', 'invitation')
    .where('state', '=', 'pending')
    .where('network_id', '=', networkId)
    .where('user_id', 'in', userIds)
    // A row being sent right now is left to its sender.
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .execute();
}

export async function insertMail(tx: WriteTx, rows: Insertable<MailQueueTable>[]): Promise<void> {
  await tx.insertInto('mail_queue').values(rows).execute();
}

/** Pending rows due at `now` that no live lease holds. */
const due = (tx: ReadTx, now: number) =>
  tx
    .selectFrom('mail_queue')
    .select('mail_id')
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]));

/** Is anything due? (A read: it takes no write lock, and most runs find nothing.) */
export async function hasDueMail(tx: ReadTx, now: number): Promise<boolean> {
  return (await due(tx, now).limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Claims up to `limit` due rows for `owner` until `leaseUntil` (one UPDATE … RETURNING; on
 * PostgreSQL the candidates are selected FOR UPDATE SKIP LOCKED, so nodes claiming at the same
 * moment take different rows without waiting on each other). Counts an attempt on each.
 */
export async function claimDueMail(tx: WriteTx, dialect: Dialect, owner: string, now: number, leaseUntil: number, limit: number): Promise<MailRow[]> {
  return tx
    .updateTable('mail_queue')
    .set((eb) => ({ lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('mail_id', 'in', due(tx, now).orderBy('next_attempt_at').orderBy('mail_id').limit(limit).$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked()))
    // Checked again on the row itself (PostgreSQL re-reads a row another transaction just changed).
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .returningAll()
    .execute();
}

/**
 * Done with a row `owner` holds: its lease ends (lease_owner stays as the node that handled it) in
 * its final state. Returns how many rows changed (0: the lease had run out and another node took it).
 */
export async function finishMail(tx: WriteTx, mailId: string, owner: string, now: number, state: 'sent' | 'dropped' | 'failed', lastError: string | null): Promise<number> {
  const done = await tx
    .updateTable('mail_queue')
    .set({ lease_until: null, finished_at: now, state, last_error: lastError })
    .where('mail_id', '=', mailId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(done.numUpdatedRows);
}

/** A row `owner` holds waits for another attempt at `nextAttemptAt`. */
export async function rescheduleMail(tx: WriteTx, mailId: string, owner: string, nextAttemptAt: number, lastError: string): Promise<void> {
  await tx
    .updateTable('mail_queue')
    .where('mail_id', '=', mailId)
    .where('lease_owner', '=', owner)
    .set({ next_attempt_at: nextAttemptAt, last_error: lastError, lease_owner: null, lease_until: null })
    .execute();
}

/** Deletes finished rows older than `before`. */
export async function purgeFinishedMail(tx: WriteTx, before: number): Promise<void> {
  await tx.deleteFrom('mail_queue').where('state', '!=', 'pending').where('finished_at', '<', before).execute();
}
